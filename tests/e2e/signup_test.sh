#!/usr/bin/env bash
# From a signed Typeform webhook to a working login, on the real binary, Caddy
# and a real SMTP server (aiosmtpd): the delivery goes through the front door
# at https://localhost:PORT/v1/signup (local CA), the instance is made, the
# welcome email arrives, its single-use link shows the password once, and the
# password signs in to the demo app. Replays provision once; unsigned,
# tampered, oversized and invalid deliveries are refused; a rejected signup
# is told why by email; signups are rate-limited; a mail server that is down
# leaves the welcome pending, and it arrives once the server is back. The
# same page's file login uploads over SFTP and FTPS into project/; a rotate
# changes every password, and after delete no login and no secret is left.
set -euo pipefail
# sshd chroots only below root-owned dirs nobody else can write: not /tmp.
E2E_DATA_PARENT=/var/lib
source "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3  # Debian's, which has python3-aiosmtpd
SUB=${P}acme
SMTP_PORT=$(free_port)
MAILDIR="$DATA/maildir"
SMTP_PID=""

start_smtp() {
  "$PY" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$MAILDIR" >>"$DATA/smtp.log" 2>&1 &
  SMTP_PID=$!
  for _ in $(seq 1 100); do
    "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $SMTP_PORT), 1)" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "aiosmtpd did not start"
}
stop_smtp() {
  [ -n "$SMTP_PID" ] || return 0
  kill "$SMTP_PID" 2>/dev/null || true
  wait "$SMTP_PID" 2>/dev/null || true
  SMTP_PID=""
}
trap 'st=$?; set +e; stop_smtp; (exit $st); cleanup' EXIT

# mails_to ADDRESS: how many messages the SMTP server holds for ADDRESS.
mails_to() {
  "$PY" - "$MAILDIR" "$1" <<'PY'
import mailbox, sys
print(sum(1 for m in mailbox.Maildir(sys.argv[1], create=False) if sys.argv[2] in (m["To"] or "")))
PY
}
# last_mail ADDRESS: the text part of the newest message to ADDRESS.
last_mail() {
  "$PY" - "$MAILDIR" "$1" <<'PY'
import email.policy, mailbox, sys
box = mailbox.Maildir(sys.argv[1], create=False)
msgs = [email.message_from_bytes(box.get_bytes(k), policy=email.policy.default) for k in box.keys()]
msgs = sorted((m for m in msgs if sys.argv[2] in str(m["To"])), key=lambda m: m["Date"].datetime)
m = msgs[-1]
print("Subject:", m["Subject"])
print("To:", m["To"])
print(m.get_body(("plain",)).get_content())
print(m.get_body(("html",)).get_content())
PY
}
wait_mails() {  # wait_mails ADDRESS COUNT
  for _ in $(seq 1 300); do
    [ "$(mails_to "$1")" -ge "$2" ] && return 0
    sleep 0.2
  done
  fail "no mail #$2 to $1 arrived (smtp log: $(tail -3 "$DATA/smtp.log"))"
}
sign() { "$PY" -c 'import base64, hashlib, hmac, sys
print("sha256=" + base64.b64encode(hmac.new(open(sys.argv[1], "rb").read().strip(), open(sys.argv[2], "rb").read(), hashlib.sha256).digest()).decode())' "$SECRET" "$1"; }
# typeform EVENT NAME EMAIL SUB > file: a form_response event as Typeform sends it.
typeform() {
  jq -cn --arg e "$1" --arg n "$2" --arg m "$3" --arg s "$4" '{event_id: $e, event_type: "form_response",
    form_response: {form_id: "lT4Z3j", token: $e, submitted_at: "2026-01-18T18:17:02Z",
      definition: {id: "lT4Z3j", title: "Sign up", fields: []},
      answers: [{type: "text", text: $n, field: {id: "f1", type: "short_text", ref: "full_name"}},
                {type: "email", email: $m, field: {id: "f2", type: "email", ref: "email"}},
                {type: "text", text: $s, field: {id: "f3", type: "short_text", ref: "subdomain"}}]}}'
}
# deliver FILE [SIGNATURE]: POSTs it through the front door; prints "CODE BODY".
deliver() {
  local sig=${2-$(sign "$1")}
  curl -sS --max-time 10 --cacert "$ROOT" -o "$DATA/answer" -w '%{http_code}' -H 'Content-Type: application/json' \
    ${sig:+-H "Typeform-Signature: $sig"} -H 'X-Forwarded-For: 6.6.6.6' --data-binary "@$1" "$WEBHOOK" \
    -D "$DATA/answer.headers"
  echo " $(cat "$DATA/answer")"
}

SECRET="$DATA/signup.secret"
head -c 32 /dev/urandom | base64 >"$SECRET"
chmod 0600 "$SECRET"
start_smtp
EXTRA_CONFIG="[signup]
secret_file = \"$SECRET\"
per_email_per_hour = 3
[smtp]
host = \"127.0.0.1\"
port = $SMTP_PORT
starttls = false
from = \"MeltanoData <welcome@meltanodata.example>\"" start_controller
HP=$(awk -F' = ' '$1 == "https_port" {print $2}' "$DATA/config.toml")
ROOT="$DATA/root.pem"
md ca >"$ROOT"
WEBHOOK="https://localhost:$HP/v1/signup"

step "the webhook is served at https://localhost:PORT, with the local CA's certificate"
issuer=$(openssl s_client -connect "127.0.0.1:$HP" -servername localhost </dev/null 2>/dev/null | openssl x509 -noout -issuer)
assert_contains "$issuer" "MeltanoData local CA"
assert_eq "$(stat -c '%U:%G %a' "$DATA/public")" "root:meltanodata-proxy 2750" "only the proxy may enter the public dir"
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$MELTANODATA_URL/v1/signup" -X POST)" 401 \
  "the admin API does not take signups"

step "a signed Typeform delivery is stored and answered 202 with its operation"
EMAIL="ann.$P@acme.example"
typeform "ev-$P-1" "Anne Élève" "$EMAIL" "$SUB" >"$DATA/p1.json"
got=$(deliver "$DATA/p1.json")
assert_eq "${got%% *}" 202 "signed delivery: $got"
OP=$(jq -r .operation <<<"${got#* }")
assert_eq "$(jq -r .state <<<"${got#* }")" provisioning
[[ "$OP" =~ ^[0-9]+$ ]] || fail "no operation id in $got"

step "replayed, unsigned, tampered, oversized and invalid deliveries"
got=$(deliver "$DATA/p1.json")
assert_eq "${got%% *}" 202 "replay"
assert_eq "$(jq -r '.duplicate, .operation' <<<"${got#* }" | tr '\n' ' ')" "true $OP " "a replay names the first operation"
assert_eq "$(deliver "$DATA/p1.json" "" | cut -d' ' -f1)" 401 "unsigned"
sed "s/$SUB/${P}evil/" "$DATA/p1.json" >"$DATA/tampered.json"
assert_eq "$(deliver "$DATA/tampered.json" "$(sign "$DATA/p1.json")" | cut -d' ' -f1)" 401 "tampered"
assert_eq "$(deliver "$DATA/p1.json" "sha256=$(head -c 32 /dev/urandom | base64)" | cut -d' ' -f1)" 401 "wrong signature"
head -c 70000 /dev/zero | tr '\0' 'x' >"$DATA/big.json"
assert_eq "$(deliver "$DATA/big.json" | cut -d' ' -f1)" 413 "oversized"
typeform "ev-$P-bad" "Bo\\r\\nBcc: x@y.example" "not-an-email" "${P}bo" >"$DATA/bad.json"
got=$(deliver "$DATA/bad.json")
assert_eq "${got%% *}" 422 "invalid answers: $got"
assert_contains "$got" "email:"

step "the instance is made once"
for _ in $(seq 1 600); do
  state=$(jf "$(md ops show "$OP" -o json)" .state)
  [ "$state" = succeeded ] && break
  [ "$state" = failed ] && fail "create failed: $(md ops show "$OP")"
  sleep 0.2
done
assert_eq "$(jf "$(md list -o json)" "[.[] | select(.subdomain == \"$SUB\")] | length")" 1
signups=$(md signups list -o json)
assert_eq "$(jf "$signups" "[.[] | select(.event_id == \"ev-$P-1\")] | length")" 1 "one signup for the event"
assert_eq "$(jf "$signups" ".[] | select(.event_id == \"ev-$P-1\") | .instance")" "$SUB"
addr=$(jf "$signups" ".[] | select(.event_id == \"ev-$P-1\") | .client_address")
[[ "$addr" == 127.0.0.1 || "$addr" == ::1 ]] || fail "client address '$addr' is not the one the proxy saw"
md signups list | grep -q "$SUB" || fail "signups list does not show $SUB"

step "the welcome email arrives; its link shows the password once"
wait_mails "$EMAIL" 1
mail=$(last_mail "$EMAIL")
assert_contains "$mail" "https://$SUB.localhost:$HP/"
assert_contains "$mail" "Username: admin"
assert_contains "$mail" "To: Anne Élève <$EMAIL>" "the name, RFC 2047-decoded"
LINK=$(grep -o "https://localhost:$HP/v1/credentials/[0-9a-f]*" <<<"$mail" | head -1)
[ -n "$LINK" ] || fail "no credential link in the mail: $mail"
page=$(curl -sS --max-time 5 --cacert "$ROOT" "$LINK")
assert_contains "$page" "Show my password" "GET asks before revealing"
page=$(curl -sS --max-time 5 --cacert "$ROOT" -X POST "$LINK")
PASSWORD=$(sed -n 's/.*<code id="password">\([^<]*\)<.*/\1/p' <<<"$page")
[ -n "$PASSWORD" ] || fail "the page did not show a password: $page"
again=$(curl -sS --max-time 5 --cacert "$ROOT" -w ' %{http_code}' -X POST "$LINK")
assert_contains "$again" "already been shown"
assert_not_contains "$again" "$PASSWORD"
assert_eq "${again##* }" 410

step "the password signs in to the demo app through the front door"
assert_eq "$(curl -sS --max-time 5 --cacert "$ROOT" -d "password=$PASSWORD" "https://$SUB.localhost:$HP/login")" welcome
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$ROOT" -d "password=wrong" \
  "https://$SUB.localhost:$HP/login")" 401
assert_contains "$(md status "$SUB")" "welcome"
assert_eq "$(jf "$(md status "$SUB" -o json)" .welcome.state)" sent

step "the page's file login uploads over SFTP and FTPS into project/, as the tenant"
FILES_PASSWORD=$(sed -n 's/.*<code id="files-password">\([^<]*\)<.*/\1/p' <<<"$page")
[ -n "$FILES_PASSWORD" ] || fail "the page did not show the file-access password: $page"
SHOW=$(md show "$SUB" -o json)
FUSER=$(jf "$SHOW" .file_access.username)
FHOST=$(jf "$SHOW" .file_access.host)
SFTP_PORT=$(jf "$SHOW" .file_access.sftp_port)
FTP_PORT=$(jf "$SHOW" .file_access.ftp_port)
assert_contains "$page" "$FUSER"
ECDSA_SHA256=$(jf "$SHOW" '.file_access.host_keys[] | select(.type | startswith("ecdsa")) | .sha256')
files_curl() {  # files_curl PASSWORD ARGS...: SFTP checked against show's key, FTPS against the local CA
  local pw=$1
  shift
  curl -sS --max-time 20 --resolve "$FHOST:$SFTP_PORT:127.0.0.1" --resolve "$FHOST:$FTP_PORT:127.0.0.1" \
    --hostpubsha256 "${ECDSA_SHA256#SHA256:}" --ssl-reqd --cacert "$ROOT" -u "$FUSER:$pw" "$@"
}
printf 'sftp %s\n' "$P" >"$DATA/up-sftp.txt"
files_curl "$FILES_PASSWORD" -T "$DATA/up-sftp.txt" "sftp://$FHOST:$SFTP_PORT/project/up-sftp.txt" || fail "SFTP upload"
printf 'ftps %s\n' "$P" >"$DATA/up-ftps.txt"
# FTPS presents one certificate: the wildcard's, or the local CA's for DOMAIN
# (curl takes no wildcard right below a top-level name such as *.localhost).
files_curl "$FILES_PASSWORD" -T "$DATA/up-ftps.txt" "ftp://localhost:$FTP_PORT/project/up-ftps.txt" || fail "FTPS upload"
for f in up-sftp.txt up-ftps.txt; do
  assert_eq "$(stat -c '%U:%G' "$DATA/tenants/$SUB/project/$f")" "$FUSER:$FUSER" "$f owned by the tenant"
done
assert_eq "$(cat "$DATA/tenants/$SUB/project/up-ftps.txt")" "ftps $P"

step "a signup that cannot be provisioned is stored and the customer told why"
OTHER="bo.$P@b.example"
typeform "ev-$P-2" "Bo" "$OTHER" "$SUB" >"$DATA/p2.json"
got=$(deliver "$DATA/p2.json")
assert_eq "${got%% *}" 202 "taken: $got"
assert_eq "$(jq -r .state <<<"${got#* }")" rejected
wait_mails "$OTHER" 1
assert_contains "$(last_mail "$OTHER")" "already in use"
typeform "ev-$P-3" "Bo" "$OTHER" "www" >"$DATA/p3.json"
assert_eq "$(jq -r .state <<<"$(deliver "$DATA/p3.json" | cut -d' ' -f2-)")" rejected
wait_mails "$OTHER" 2

step "signups are rate-limited per customer email address, not per sender"
typeform "ev-$P-4" "Bo" "${OTHER^^}" "${P}bo-" >"$DATA/p4.json"
assert_eq "$(deliver "$DATA/p4.json" | cut -d' ' -f1)" 202 "Bo's third of the hour"
typeform "ev-$P-5" "Bo" "$OTHER" "${P}bo-" >"$DATA/p5.json"
assert_eq "$(deliver "$DATA/p5.json" | cut -d' ' -f1)" 429 "Bo's fourth"
grep -qi '^Retry-After: [1-9]' "$DATA/answer.headers" || fail "no Retry-After on 429"
typeform "ev-$P-6" "Cy" "cy.$P@c.example" "${P}cy-" >"$DATA/p6.json"
assert_eq "$(deliver "$DATA/p6.json" | cut -d' ' -f1)" 202 "another customer through the same sender"

step "with the mail server down, the welcome is pending; it arrives once the server is back"
stop_smtp
md resend-welcome "$SUB" --no-wait >/dev/null
for _ in $(seq 1 100); do
  w=$(md status "$SUB" -o json)
  [ "$(jf "$w" .welcome.state)" = pending ] && [ -n "$(jf "$w" .welcome.error)" ] && break
  sleep 0.2
done
assert_eq "$(jf "$w" .welcome.state)" pending "status while the mail server is down"
md status "$SUB" | grep -q "^welcome: *pending: " || fail "status does not show the welcome pending: $(md status "$SUB")"
assert_eq "$(jf "$(md status "$SUB" -o json)" .status)" running "the instance is not affected"
sleep 2
start_smtp
wait_mails "$EMAIL" 2
for _ in $(seq 1 50); do
  [ "$(jf "$(md status "$SUB" -o json)" .welcome.state)" = sent ] && break
  sleep 0.2
done
assert_eq "$(jf "$(md status "$SUB" -o json)" .welcome.state)" sent
welcome_op=$(jf "$(md ops list --subdomain "$SUB" -o json)" '[.[] | select(.kind == "welcome")][0]')
[ "$(jf "$welcome_op" '.steps[0].attempts')" -gt 1 ] || fail "the welcome was not retried: $welcome_op"
NEW_LINK=$(grep -o "https://localhost:$HP/v1/credentials/[0-9a-f]*" <<<"$(last_mail "$EMAIL")" | head -1)
assert_ne "$NEW_LINK" "$LINK"
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$ROOT" "$LINK")" 404 "the old link is void"
assert_contains "$(curl -sS --max-time 5 --cacert "$ROOT" -X POST "$NEW_LINK")" "$PASSWORD" "the new link works once"

step "credentials rotate: every password changes; the new ones sign in, the old ones do not"
expect_exit 0 credentials rotate "$SUB"
creds=$(md credentials show "$SUB" -o json)
NEW_PASSWORD=$(jf "$creds" '.[] | select(.kind == "admin") | .password')
NEW_FILES_PASSWORD=$(jf "$creds" '.[] | select(.kind == "files") | .password')
assert_ne "$NEW_PASSWORD" "$PASSWORD"
assert_ne "$NEW_FILES_PASSWORD" "$FILES_PASSWORD"
assert_eq "$(curl -sS --max-time 5 --cacert "$ROOT" -d "password=$NEW_PASSWORD" "https://$SUB.localhost:$HP/login")" welcome
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$ROOT" -d "password=$PASSWORD" \
  "https://$SUB.localhost:$HP/login")" 401 "the old admin password"
files_curl "$NEW_FILES_PASSWORD" "sftp://$FHOST:$SFTP_PORT/project/" | grep -q up-ftps.txt || fail "SFTP after rotate"
if files_curl "$FILES_PASSWORD" "sftp://$FHOST:$SFTP_PORT/project/" >/dev/null 2>&1; then
  fail "the old file password still logs in"
fi
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$ROOT" -X POST "$NEW_LINK")" 404 \
  "a rotate voids the welcome link"

step "no password in the controller's log, the store or the API's answers"
for pw in "$PASSWORD" "$FILES_PASSWORD" "$NEW_PASSWORD" "$NEW_FILES_PASSWORD"; do
  if grep -qaF "$pw" "$DATA/controller.log" "$DATA"/meltanodata.db*; then fail "a password is in the log or the store"; fi
  assert_not_contains "$(md show "$SUB" -o json)$(md status "$SUB" -o json)$(md signups list -o json)" "$pw"
done

step "delete: the logins fail, the vault holds nothing of $SUB"
expect_exit 0 delete "$SUB" --yes --no-backup
if files_curl "$NEW_FILES_PASSWORD" "sftp://$FHOST:$SFTP_PORT/project/" >/dev/null 2>&1; then
  fail "the file login works after delete"
fi
assert_eq "$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM secrets WHERE subdomain = ?", (sys.argv[2],)).fetchone()[0])' \
  "$DATA/meltanodata.db" "$SUB")" 0 "vault entries left"
expect_exit 3 credentials show "$SUB"
echo "PASS signup_test"
