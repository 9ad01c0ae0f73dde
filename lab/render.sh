# shellcheck shell=bash
# Config files of each lab host, rendered into a scratch dir (OUT/nova, OUT/keystone, OUT/placement).
# Sourced by up.sh after common.sh. Every section appears once (stackhop edits these files with its
# INI editor). No log_file/log_dir anywhere: services log to stdout (the unit's log), and
# `su -s /bin/sh -c "nova-manage db sync" nova` works as the service user.

_db_url() { echo "mysql+pymysql://$1:$LAB_SERVICE_PASSWORD@$LAB_IP:$DB_PORT/$2?charset=utf8"; }

_auth_section() { # SECTION USER: keystoneauth password credentials in the service project
  cat <<EOF
[$1]
auth_type = password
auth_url = http://$LAB_IP:$KEYSTONE_PORT/v3
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $2
password = $LAB_SERVICE_PASSWORD
region_name = $REGION
EOF
}

_authtoken_section() { # USER
  cat <<EOF
[keystone_authtoken]
www_authenticate_uri = http://$LAB_IP:$KEYSTONE_PORT/
auth_url = http://$LAB_IP:$KEYSTONE_PORT/v3
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $LAB_SERVICE_PASSWORD
region_name = $REGION
service_token_roles_required = true
EOF
}

_nova_conf() { # HOST ROLE
  local host=$1 role=$2 h
  h=$(hdir "$host")
  if [[ $role == controller ]]; then
    echo "# stackhop lab: $host (nova-api, nova-conductor, nova-scheduler)."
  else
    echo "# stackhop lab: $host (nova-compute, fake driver)."
  fi
  echo "# Rendered by lab/up.sh; lab/reset.sh restores it from $LAB_PRISTINE/$host/nova."
  cat <<EOF
[DEFAULT]
host = $host
my_ip = $LAB_IP
state_path = $h/state/nova
transport_url = $TRANSPORT_URL
report_interval = 5
service_down_time = 20
graceful_shutdown_timeout = 5
heal_instance_info_cache_interval = 120
debug = false
EOF
  if [[ $role == controller ]]; then
    cat <<EOF
enabled_apis = osapi_compute
osapi_compute_listen = $LAB_IP
osapi_compute_listen_port = $NOVA_API_PORT
osapi_compute_workers = 1

[api]
auth_strategy = keystone

[wsgi]
api_paste_config = $h/etc/nova/api-paste.ini

[conductor]
workers = 1

[api_database]
connection = $(_db_url nova nova_api)

[database]
connection = $(_db_url nova nova)

EOF
    _authtoken_section nova
  else
    cat <<EOF
compute_driver = fake.FakeDriver
instances_path = $h/state/nova/instances
# The fake driver keeps its guests in memory only: after a restart of nova-compute it knows none, and
# the power-state sync would set every server to NOSTATE, which live migration refuses ("power_state
# pending"). Without the sync, servers stay RUNNING across restarts and upgrades.
sync_power_state_interval = -1
EOF
  fi
  cat <<EOF

[oslo_concurrency]
lock_path = $h/state/nova/lock

[scheduler]
discover_hosts_in_cells_interval = 15
workers = 1

[vnc]
enabled = false

[glance]
region_name = $REGION

[cinder]
os_region_name = $REGION

EOF
  _auth_section placement nova
  echo
  _auth_section neutron nova
}

_api_paste() {
  # Zed's api-paste.ini, v2.1 only (python3-nova ships none).
  cat <<'EOF'
[composite:osapi_compute]
use = call:nova.api.openstack.urlmap:urlmap_factory
/: oscomputeversions
/v2.1: openstack_compute_api_v21

[composite:openstack_compute_api_v21]
use = call:nova.api.auth:pipeline_factory_v21
keystone = cors http_proxy_to_wsgi compute_req_id faultwrap request_log sizelimit authtoken keystonecontext osapi_compute_app_v21

[filter:request_log]
paste.filter_factory = nova.api.openstack.requestlog:RequestLog.factory

[filter:compute_req_id]
paste.filter_factory = nova.api.compute_req_id:ComputeReqIdMiddleware.factory

[filter:faultwrap]
paste.filter_factory = nova.api.openstack:FaultWrapper.factory

[filter:sizelimit]
paste.filter_factory = oslo_middleware:RequestBodySizeLimiter.factory

[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory

[app:osapi_compute_app_v21]
paste.app_factory = nova.api.openstack.compute:APIRouterV21.factory

[pipeline:oscomputeversions]
pipeline = cors faultwrap request_log http_proxy_to_wsgi oscomputeversionapp

[app:oscomputeversionapp]
paste.app_factory = nova.api.openstack.compute.versions:Versions.factory

[filter:cors]
paste.filter_factory = oslo_middleware.cors:filter_factory
oslo_config_project = nova

[filter:keystonecontext]
paste.filter_factory = nova.api.auth:NovaKeystoneContext.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
EOF
}

render_controller() { # OUT
  local out=$1 h
  h=$(hdir "$CTL")
  mkdir -p "$out/nova" "$out/keystone" "$out/placement"
  _nova_conf "$CTL" controller >"$out/nova/nova.conf"
  _api_paste >"$out/nova/api-paste.ini"

  cat >"$out/keystone/keystone.conf" <<EOF
# stackhop lab: keystone on $CTL. Rendered by lab/up.sh; lab/reset.sh restores it.
[DEFAULT]
debug = false

[database]
connection = $(_db_url keystone keystone)

[token]
provider = fernet
expiration = 14400

[fernet_tokens]
key_repository = $h/state/keystone/fernet-keys
max_active_keys = 3

[fernet_receipts]
# the default is /etc/keystone/fernet-keys/: keep everything in the lab dir
key_repository = $h/state/keystone/fernet-keys

[credential]
key_repository = $h/state/keystone/credential-keys

[identity]
# cheap hashes: the lab's passwords are not secrets worth 0.3 s of CPU per login
password_hash_rounds = 4

[cache]
# In-process cache (one gunicorn worker, so it is coherent): without it every token validation costs
# about 160 SQL queries.
enabled = true
backend = dogpile.cache.memory
expiration_time = 300
EOF

  {
    echo "# stackhop lab: placement on $CTL. Rendered by lab/up.sh; lab/reset.sh restores it."
    cat <<EOF
[DEFAULT]
debug = false

[placement_database]
connection = $(_db_url placement placement)

[api]
auth_strategy = keystone

EOF
    _authtoken_section placement
  } >"$out/placement/placement.conf"
}

render_compute() { # HOST OUT
  mkdir -p "$2/nova"
  _nova_conf "$1" compute >"$2/nova/nova.conf"
}
