#!/usr/bin/python3
"""Glance and Neutron stand-ins for the stackhop lab (stdlib only).

Glance (--glance-port): version discovery on GET /, one public active image, the image schema with every
base attribute listed (nova sorts image keys into base attributes and properties by the schema; an empty
schema breaks boot with KeyError 'id').

Neutron (--neutron-port): version discovery on GET /, no extensions, every GET of a collection is an
empty list, every GET of one resource is 404, DELETE is 204 and PUT/POST echo an empty object. That is
enough for boots with "networks": "none", live migration (port-binding extension check,
setup_networks_on_host, migrate_instance_*), the info-cache healing task and delete.
"""

import argparse
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NOW = '2024-01-01T00:00:00Z'
IMAGE_BASE_ATTRS = [
    'id', 'name', 'status', 'visibility', 'protected', 'os_hidden', 'checksum', 'os_hash_algo',
    'os_hash_value', 'owner', 'size', 'virtual_size', 'min_ram', 'min_disk', 'disk_format',
    'container_format', 'created_at', 'updated_at', 'tags', 'direct_url', 'locations', 'self', 'file',
    'schema', 'stores',
]


def image(image_id):
    return {
        'id': image_id, 'name': 'lab-stub-image', 'status': 'active', 'visibility': 'public',
        'protected': False, 'os_hidden': False, 'checksum': 'd41d8cd98f00b204e9800998ecf8427e',
        'os_hash_algo': 'sha512', 'os_hash_value': 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
        'owner': None, 'size': 1024, 'virtual_size': 1024, 'min_ram': 0, 'min_disk': 0,
        'disk_format': 'raw', 'container_format': 'bare', 'created_at': NOW, 'updated_at': NOW,
        'tags': [], 'self': f'/v2/images/{image_id}', 'file': f'/v2/images/{image_id}/file',
        'schema': '/v2/schemas/image',
    }


def image_schema():
    props = {k: {} for k in IMAGE_BASE_ATTRS}
    props['tags'] = {'type': 'array', 'items': {'type': 'string'}}
    return {'name': 'image', 'properties': props, 'additionalProperties': {'type': 'string'},
            'links': []}


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    kind = 'glance'
    image_id = ''

    def log_message(self, fmt, *args):
        sys.stdout.write('%s %s %s\n' % (self.kind, self.address_string(), fmt % args))
        sys.stdout.flush()

    def send(self, code, body=None):
        data = b'' if body is None else json.dumps(body).encode()
        self.send_response(code)
        if body is not None:
            self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)

    def drain(self):
        n = int(self.headers.get('Content-Length') or 0)
        if n:
            self.rfile.read(n)

    def base(self):
        host = self.headers.get('Host') or f'127.0.0.1:{self.server.server_port}'
        return f'http://{host}'

    # ---- Glance ----
    def glance_get(self, path):
        if path in ('', '/', '/versions'):
            v = {'id': 'v2.16', 'status': 'CURRENT',
                 'links': [{'rel': 'self', 'href': self.base() + '/v2/'}]}
            return self.send(300 if path != '/versions' else 200, {'versions': [v]})
        if path in ('/v2', '/v2/'):
            return self.send(200, {'versions': [{'id': 'v2.16', 'status': 'CURRENT', 'links': [
                {'rel': 'self', 'href': self.base() + '/v2/'}]}]})
        if path == '/v2/schemas/image':
            return self.send(200, image_schema())
        if path == '/v2/images':
            return self.send(200, {'images': [image(self.image_id)], 'first': '/v2/images',
                                   'schema': '/v2/schemas/images'})
        if path.startswith('/v2/images/'):
            rest = path[len('/v2/images/'):].split('/')
            if rest[0] == self.image_id and len(rest) == 1:
                return self.send(200, image(self.image_id))
            if rest[0] == self.image_id and rest[1:] == ['file']:
                data = b'\0' * 1024
                self.send_response(200)
                self.send_header('Content-Type', 'application/octet-stream')
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return None
            return self.send(404, {'message': 'image not found', 'code': '404 Not Found'})
        return self.send(404, {'message': 'not found'})

    # ---- Neutron ----
    def neutron_get(self, path):
        if path in ('', '/'):
            return self.send(200, {'versions': [{'id': 'v2.0', 'status': 'CURRENT', 'links': [
                {'rel': 'self', 'href': self.base() + '/v2.0/'}]}]})
        if path in ('/v2.0', '/v2.0/'):
            return self.send(200, {'resources': []})
        if path == '/v2.0/extensions':
            return self.send(200, {'extensions': []})
        parts = [p for p in path.split('/') if p][1:]  # drop v2.0
        if len(parts) == 1:
            name = parts[0].replace('-', '_')
            return self.send(200, {name: []})
        return self.send(404, {'NeutronError': {'type': 'NotFound', 'message': 'not found',
                                                'detail': ''}})

    def do_GET(self):
        path = self.path.split('?', 1)[0].rstrip('/') or '/'
        if self.kind == 'glance':
            return self.glance_get(path)
        return self.neutron_get(path)

    def do_HEAD(self):
        self.send(200)

    def do_DELETE(self):
        self.drain()
        self.send(204)

    def do_POST(self):
        self.drain()
        self.send(201 if self.kind == 'neutron' else 404, {})

    def do_PUT(self):
        self.drain()
        self.send(200, {})

    def do_PATCH(self):
        self.drain()
        self.send(200, {})


def serve(host, port, kind, image_id):
    handler = type(f'{kind.title()}Handler', (Handler,), {'kind': kind, 'image_id': image_id})
    srv = ThreadingHTTPServer((host, port), handler)
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    return srv, t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--glance-port', type=int, default=9292)
    ap.add_argument('--neutron-port', type=int, default=9696)
    ap.add_argument('--image-id', required=True)
    a = ap.parse_args()
    serve(a.host, a.glance_port, 'glance', a.image_id)
    _, t = serve(a.host, a.neutron_port, 'neutron', a.image_id)
    print(f'stubs: glance on {a.host}:{a.glance_port}, neutron on {a.host}:{a.neutron_port}', flush=True)
    try:
        t.join()
    except KeyboardInterrupt:
        pass


if __name__ == '__main__':
    main()
