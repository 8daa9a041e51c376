#!/usr/bin/env bash
# The HTTPS front door with the embedded defaults, against real Caddy under
# s6: every instance answers at https://SUB.localhost:PORT/ with a
# certificate from the controller's local CA (curl verifies it with no DNS:
# *.localhost is loopback), HTTP redirects to HTTPS, routes follow creates
# and deletes without a Caddy restart, and Caddy outlives the controller.
# Caddy runs as an unprivileged user with only CAP_NET_BIND_SERVICE, and
# reaches each app on its unix socket through the proxy group.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_controller
HP=$(awk -F' = ' '$1 == "https_port" {print $2}' "$DATA/config.toml")
PP=$(awk -F' = ' '$1 == "http_port" {print $2}' "$DATA/config.toml")
ROOT="$DATA/root.pem"
https() { curl -sS --max-time 5 --cacert "$ROOT" "$@"; }
https_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$ROOT" "$@" || true; }

step "the local CA's root, as clients would trust it"
cp "$DATA/ca/local/root.pem" "$ROOT"
openssl x509 -in "$ROOT" -noout -subject | grep -q "MeltanoData local CA" || fail "not the local CA's root"

step "a new instance answers through the front door, verified"
md create --subdomain "$P-shop" --email a@$P-shop.example --name Shop --version 2.1.0 >/dev/null
assert_eq "$(https "https://$P-shop.localhost:$HP/version")" 2.1.0 "version through https"
caddy_pid=$(pgrep -f "caddy run --config $DATA/caddy/caddy.json")
assert_eq "$(stat -c %U "/proc/$caddy_pid")" meltanodata-proxy "Caddy runs unprivileged"
assert_eq "$(awk '$1 == "CapEff:" {print $2}' "/proc/$caddy_pid/status")" 0000000000000400 \
  "Caddy's only capability: CAP_NET_BIND_SERVICE"
tenant=$(jf "$(md show "$P-shop" -o json)" .unix_user)
assert_eq "$(stat -c '%U:%G %a' "$DATA/sockets/$P-shop")" "$tenant:$tenant 700" \
  "the app's socket dir: the tenant's alone (the proxy goes through the waker)"
assert_eq "$(stat -c '%U:%G %a' "$DATA/front/$P-shop")" "root:meltanodata-proxy 750" \
  "the waker's socket dir: root's, entered by the proxy's group"
issuer=$(openssl s_client -connect "127.0.0.1:$HP" -servername $P-shop.localhost </dev/null 2>/dev/null |
  openssl x509 -noout -issuer)
assert_contains "$issuer" "MeltanoData local CA" "served by the local CA"
assert_contains "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://$P-shop.localhost:$PP/x")" \
  "301 https://$P-shop.localhost:$HP/x" "http redirects to https"

step "a second instance gets its route and certificate with no restart of Caddy"
md create --subdomain "$P-blog" --email b@$P-blog.example --name Blog >/dev/null
assert_eq "$(https "https://$P-blog.localhost:$HP/version")" 1.0.0
assert_eq "$(https_code "https://nosuch.localhost:$HP/")" 000 "no certificate for an unknown host"
assert_eq "$(pgrep -f "caddy run --config $DATA/caddy/caddy.json")" "$caddy_pid" "same Caddy process"

step "each instance has its own local-CA certificate (a wildcard of one label is not valid); so has localhost"
certs=$(md certs list -o json)
by_name() { printf '%s\n' "$@" | LC_ALL=C sort | paste -sd' '; }  # as certs list orders them
assert_eq "$(jq -r '[.[] | .names[0] + "|" + .purpose + "|" + (.trusted|tostring)] | join(" ")' <<<"$certs")" \
  "$(by_name "$P-blog.localhost|instance|false" "localhost|controller|false" "$P-shop.localhost|instance|false")"
key=$(find "$DATA/certs" -name key.pem | head -1)
assert_eq "$(stat -c %a "$(dirname "$key")")" 700 "cert folder private"
assert_eq "$(stat -c %a "$key")" 600 "key 0600"
assert_eq "$(md ca)" "$(cat "$ROOT")" "meltanodata ca prints the root"
status=$(md status "$P-shop" -o json)
assert_eq "$(jf "$status" .https.code)" 200 "status checks https"
assert_eq "$(jf "$status" .https.url)" "https://$P-shop.localhost:$HP/"

step "Caddy keeps serving while the controller is down, and after it restarts"
kill_controller
assert_eq "$(https "https://$P-shop.localhost:$HP/version")" 2.1.0 "served without the controller"
restart_controller_same_port
assert_eq "$(https "https://$P-blog.localhost:$HP/version")" 1.0.0 "served after the restart"

step "delete takes the route away"
md delete "$P-blog" --yes --no-backup >/dev/null
assert_eq "$(https_code "https://$P-blog.localhost:$HP/")" 000 "deleted instance: no route, no certificate"
for _ in $(seq 1 50); do [ "$(md certs list -o json | jq length)" = 2 ] && break; sleep 0.1; done
assert_eq "$(md certs list -o json | jq -r '[.[].names[0]] | join(" ")')" "$(by_name localhost "$P-shop.localhost")" "its certificate dropped"
assert_eq "$(https "https://$P-shop.localhost:$HP/version")" 2.1.0 "the other one still served"
echo "PASS front_door"
