# shellcheck shell=bash
# The Debian 12 point releases the lab moves between. OLD is what up.sh and reset.sh install; NEW is
# what stackhop's tests upgrade to (bookworm-security). Checked with `apt-cache policy`: both versions
# of each package are in the archive, and no companion package needs a pin (python3-nova and
# python3-keystone depend on unversioned or >= libraries only), so a plain
# `apt-get install --allow-downgrades pkg=OLD` goes back and forth.
# shellcheck disable=SC2034
LAB_PKGS=(python3-nova python3-keystone python3-placement)
declare -A LAB_OLD=(
  [python3-nova]='2:26.2.2-1~deb12u4'
  [python3-keystone]='2:22.0.2-0+deb12u3'
  [python3-placement]='8.0.0-2'
)
declare -A LAB_NEW=(
  [python3-nova]='2:26.2.2-1~deb12u5'
  [python3-keystone]='2:22.0.2-0+deb12u6'
  [python3-placement]='8.0.0-2'
)
# Unpinned packages the lab also needs (the versions Debian has are fine).
LAB_EXTRA_PKGS=(python3-gunicorn python3-pymysql mariadb-server mariadb-client rabbitmq-server curl jq)
