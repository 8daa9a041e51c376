#!/usr/bin/env bash
# A real browser at the embedded default front door: headless Chromium, with
# the root of `meltanodata ca` in its NSS trust store, loads
# https://SUB.localhost:PORT/ (Chromium resolves *.localhost to loopback by
# itself: no DNS) and sees the app; without that root it refuses the page
# (ERR_CERT_AUTHORITY_INVALID), so the check could fail.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_controller
HP=$(awk -F' = ' '$1 == "https_port" {print $2}' "$DATA/config.toml")
B="$DATA/browser"
mkdir -p "$B/trusting/.pki/nssdb" "$B/plain"

# browse HOME URL: the page's DOM as headless Chromium renders it; its log in $B/log.
browse() {
  HOME="$1" timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d "$B/profile.XXXXXX")" --dump-dom "$2" 2>"$B/log" || true
}

step "create an instance"
md create --subdomain "$P-brws" --email a@$P-brws.example --name Browse --version 3.3.3 >/dev/null

step "Chromium trusting the local CA's root shows the app over HTTPS"
md ca >"$B/root.pem"
certutil -d "sql:$B/trusting/.pki/nssdb" -N --empty-password
certutil -d "sql:$B/trusting/.pki/nssdb" -A -t "C,," -n meltanodata-local -i "$B/root.pem"
dom=$(browse "$B/trusting" "https://$P-brws.localhost:$HP/version")
assert_contains "$dom" ">3.3.3<" "the app's page"

step "without the root, Chromium refuses the certificate"
dom=$(browse "$B/plain" "https://$P-brws.localhost:$HP/version")
assert_not_contains "$dom" "3.3.3" "an untrusted page is not shown"
grep -q "ERR_CERT_AUTHORITY_INVALID" "$B/log" || fail "no certificate error in Chromium's log: $(tail -3 "$B/log")"
echo "PASS browser"
