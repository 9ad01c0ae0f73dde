#!/usr/bin/python3
"""Runs Keystone or Placement under gunicorn with one explicit config file.

    wsgi.py keystone  --config-file FILE --bind HOST:PORT [--workers N] [--threads N]
    wsgi.py placement --config-file FILE --bind HOST:PORT [--workers N] [--threads N]

Keystone parses sys.argv with oslo.config, so the application is built with sys.argv cut to the
program name and its config file passed as the only default config file; Placement gets it the same
way. Neither reads any other file (no /etc/keystone, no /etc/placement).
"""

import argparse
import os
import sys


def keystone_app(config_file):
    from keystone.server.flask import core
    return core.initialize_application(name='public', config_files=[config_file])


def placement_app(config_file):
    from oslo_config import cfg
    from placement import conf, db_api, deploy, wsgi

    config = cfg.ConfigOpts()
    conf.register_opts(config)
    # The same steps as placement.wsgi.init_application, with the config file given.
    wsgi._parse_args(config, [], default_config_files=[config_file])
    wsgi.setup_logging(config)
    db_api.configure(config)
    if config.log_options:
        config.log_opt_values(wsgi.logging.getLogger(__name__), wsgi.logging.DEBUG)
    wsgi.setup_profiler(config)
    return deploy.loadapp(config)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('service', choices=['keystone', 'placement'])
    ap.add_argument('--config-file', required=True)
    ap.add_argument('--bind', required=True)
    ap.add_argument('--workers', type=int, default=1)
    ap.add_argument('--threads', type=int, default=4)
    a = ap.parse_args()
    config_file = os.path.abspath(a.config_file)
    factory = keystone_app if a.service == 'keystone' else placement_app
    sys.argv = sys.argv[:1]

    from gunicorn.app.base import BaseApplication

    class App(BaseApplication):
        def load_config(self):
            for k, v in {
                'bind': a.bind, 'workers': a.workers, 'threads': a.threads,
                'worker_class': 'gthread', 'timeout': 120, 'graceful_timeout': 5,
                'proc_name': f'lab-{a.service}', 'accesslog': '-', 'errorlog': '-',
                'loglevel': 'info',
            }.items():
                self.cfg.set(k, v)

        def load(self):
            return factory(config_file)

    App().run()


if __name__ == '__main__':
    main()
