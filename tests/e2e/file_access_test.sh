#!/usr/bin/env bash
# File access end to end: two instances, uploads over SFTP (curl, checked
# against the host key `show` prints; OpenSSH's sftp, checked against the
# lines of `known-hosts`) and over explicit FTPS (curl --ssl-reqd, the
# certificate from the local CA), the files in project/ owned by the tenant,
# tenant A unable to reach B's files, wrong passwords refused, B's logins
# gone after its delete, the host keys unchanged across a controller
# restart, and SSHFP records in a real Knot that match the served keys.
set -euo pipefail
# sshd chroots only below root-owned dirs nobody else can write: not /tmp.
E2E_DATA_PARENT=/var/lib
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/acme_fixtures.sh"  # start_knot, dig1; sets the EXIT trap

A="$P-fa"
B="$P-fb"
SFTP_PORT=$(free_port)
FTP_PORT=$(free_port)

step "knotd serves example.test; a controller publishes there"
start_knot
EXTRA_CONFIG=$(dns_config)
start_controller
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$SFTP_PORT") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$FTP_PORT") 2>/dev/null && break
  sleep 0.1
done

step "two instances: $A and $B"
expect_exit 0 create --subdomain "$A" --email "a@$A.test" --name "Ann"
expect_exit 0 create --subdomain "$B" --email "b@$B.test" --name "Bob"

SHOW_A=$(md show "$A" -o json)
HOST_A=$(jf "$SHOW_A" .file_access.host)
USER_A=$(jf "$SHOW_A" .file_access.username)
USER_B=$(md show "$B" -o json | jq -r .file_access.username)
assert_eq "$HOST_A" "$A.example.test" "file access host"
assert_eq "$(jf "$SHOW_A" .file_access.sftp_port)" "$SFTP_PORT" "sftp port"
assert_eq "$(jf "$SHOW_A" .file_access.ftp_port)" "$FTP_PORT" "ftp port"
assert_eq "$USER_A" "$(jf "$SHOW_A" .unix_user)" "the login is the tenant's Unix user"
assert_contains "$(md show "$A")" "sftp://$USER_A@$HOST_A:$SFTP_PORT/"
# The file-access password, as the vault gives it to an operator.
files_password() { md credentials show "$1" -o json | jq -r '.[] | select(.kind == "files") | .password'; }
PW_A=$(files_password "$A")
PW_B=$(files_password "$B")
[ -n "$PW_A" ] && [ -n "$PW_B" ] || fail "no file-access passwords in the vault"
assert_not_contains "$(md show "$A" -o json)$(md secrets list "$A")" "$PW_A" "the password is never shown"

# The ECDSA key's fingerprint: libssh2 (curl) negotiates that one first.
ECDSA_SHA256=$(jf "$SHOW_A" '.file_access.host_keys[] | select(.type | startswith("ecdsa")) | .sha256')
HOSTPUB=${ECDSA_SHA256#SHA256:}
RESOLVE=(--resolve "$A.example.test:$SFTP_PORT:127.0.0.1" --resolve "$A.example.test:$FTP_PORT:127.0.0.1")
sftp_curl() { curl -sS --max-time 20 "${RESOLVE[@]}" --hostpubsha256 "$HOSTPUB" "$@"; }
CACERT="$DATA/ca-root.pem"
md ca >"$CACERT"
ftps_curl() { curl -sS --max-time 20 "${RESOLVE[@]}" --ssl-reqd --cacert "$CACERT" "$@"; }

step "SFTP upload as $USER_A, the server checked against show's fingerprint"
printf 'sftp %s\n' "$P" >"$DATA/up-sftp.txt"
sftp_curl -u "$USER_A:$PW_A" -T "$DATA/up-sftp.txt" "sftp://$HOST_A:$SFTP_PORT/project/up-sftp.txt" ||
  fail "SFTP upload"
assert_eq "$(owner_mode "$DATA/tenants/$A/project/up-sftp.txt" | cut -d' ' -f1)" "$USER_A:$USER_A" "owned by the tenant"
assert_eq "$(cat "$DATA/tenants/$A/project/up-sftp.txt")" "sftp $P"
if curl -sS --max-time 20 "${RESOLVE[@]}" --hostpubsha256 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
  -u "$USER_A:$PW_A" "sftp://$HOST_A:$SFTP_PORT/project/" >/dev/null 2>&1; then
  fail "curl accepted another host key"
fi

step "FTPS upload (explicit TLS, the local CA's certificate)"
printf 'ftps %s\n' "$P" >"$DATA/up-ftps.txt"
# The certificate is the domain's wildcard (a local-CA stand-in here): verified by name.
ftps_curl -u "$USER_A:$PW_A" -T "$DATA/up-ftps.txt" "ftp://$HOST_A:$FTP_PORT/project/up-ftps.txt" ||
  fail "FTPS upload"
assert_eq "$(owner_mode "$DATA/tenants/$A/project/up-ftps.txt" | cut -d' ' -f1)" "$USER_A:$USER_A" "owned by the tenant"
if curl -sS --max-time 20 "${RESOLVE[@]}" -u "$USER_A:$PW_A" "ftp://$HOST_A:$FTP_PORT/" >/dev/null 2>&1; then
  fail "a login without TLS was accepted"
fi
if curl -sS --max-time 20 "${RESOLVE[@]}" --ssl-reqd --insecure -u "$USER_A:$PW_A" -T "$DATA/up-ftps.txt" \
  "ftp://$HOST_A:$FTP_PORT/up-root.txt" >/dev/null 2>&1; then
  fail "the chroot's root was writable"
fi

step "OpenSSH's sftp, trusting only the lines of known-hosts"
md known-hosts >"$DATA/known_hosts"
assert_contains "$(cat "$DATA/known_hosts")" "[*.example.test]:$SFTP_PORT ssh-ed25519 "
printf '#!/bin/sh\necho "%s"\n' "$PW_A" >"$DATA/askpass"
chmod 0700 "$DATA/askpass"
# Commands on stdin, not -b (which turns password authentication off).
printf 'put %s up-openssh.txt\n' "$DATA/up-sftp.txt" |
  SSH_ASKPASS="$DATA/askpass" SSH_ASKPASS_REQUIRE=force setsid -w sftp -P "$SFTP_PORT" \
    -o UserKnownHostsFile="$DATA/known_hosts" -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes \
    -o HostKeyAlias="[$HOST_A]:$SFTP_PORT" -o PreferredAuthentications=password \
    "$USER_A@127.0.0.1" >"$DATA/sftp.out" 2>&1 || { cat "$DATA/sftp.out" >&2; fail "sftp with known-hosts"; }
# The session starts in project/ (ForceCommand internal-sftp -d /project).
[ -f "$DATA/tenants/$A/project/up-openssh.txt" ] || fail "sftp's upload is not in project/"
ssh-keygen -q -t ed25519 -N '' -f "$DATA/other_key" </dev/null
echo "[*.example.test]:$SFTP_PORT $(cut -d' ' -f1,2 "$DATA/other_key.pub")" >"$DATA/wrong_known_hosts"
if printf 'ls\n' | SSH_ASKPASS="$DATA/askpass" SSH_ASKPASS_REQUIRE=force setsid -w sftp -P "$SFTP_PORT" \
  -o UserKnownHostsFile="$DATA/wrong_known_hosts" -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes \
  -o HostKeyAlias="[$HOST_A]:$SFTP_PORT" "$USER_A@127.0.0.1" >/dev/null 2>&1; then
  fail "sftp connected with no matching known_hosts line"
fi

step "tenant $A cannot list or read $B's files"
printf 'secret of %s\n' "$B" >"$DATA/b-secret.txt"
curl -sS --max-time 20 --resolve "$B.example.test:$SFTP_PORT:127.0.0.1" --hostpubsha256 "$HOSTPUB" \
  -u "$USER_B:$PW_B" -T "$DATA/b-secret.txt" "sftp://$B.example.test:$SFTP_PORT/project/b-secret.txt" ||
  fail "B's own upload"
LIST_A=$(sftp_curl -u "$USER_A:$PW_A" "sftp://$HOST_A:$SFTP_PORT/")
assert_contains "$LIST_A" "project"
assert_not_contains "$LIST_A" "$B" "A's root lists nothing of B"
for path in "/../$B/project/b-secret.txt" "/../../tenants/$B/project/b-secret.txt"; do
  if out=$(sftp_curl -u "$USER_A:$PW_A" "sftp://$HOST_A:$SFTP_PORT$path" 2>&1) && [[ "$out" == *secret* ]]; then
    fail "A read B's file over SFTP through $path"
  fi
  if out=$(ftps_curl -u "$USER_A:$PW_A" "ftp://$HOST_A:$FTP_PORT$path" 2>&1) && [[ "$out" == *secret* ]]; then
    fail "A read B's file over FTPS through $path"
  fi
done
if sftp_curl -u "$USER_A:$PW_B" "sftp://$HOST_A:$SFTP_PORT/" >/dev/null 2>&1; then
  fail "A's login took B's password"
fi

step "wrong passwords are refused"
if sftp_curl -u "$USER_A:wrong-$P" "sftp://$HOST_A:$SFTP_PORT/" >/dev/null 2>&1; then fail "SFTP wrong password"; fi
if ftps_curl -u "$USER_A:wrong-$P" "ftp://$HOST_A:$FTP_PORT/" >/dev/null 2>&1; then fail "FTPS wrong password"; fi

step "SSHFP records in Knot match the keys the server presents"
for sub in "$A" "$B"; do
  PUBLISHED=$(dig1 "$sub.example.test" SSHFP | tr 'a-f' 'A-F' | sort)
  [ -n "$PUBLISHED" ] || fail "no SSHFP record for $sub.example.test"
  SERVED=$(ssh-keyscan -p "$SFTP_PORT" 127.0.0.1 2>/dev/null | while read -r _ type key; do
    printf '%s %s\n' "$type" "$key" >"$DATA/scanned.pub"
    ssh-keygen -r h -f "$DATA/scanned.pub" | awk '$5 == 2 {print $4, $5, toupper($6)}'
  done | sort)
  assert_eq "$PUBLISHED" "$SERVED" "SSHFP of $sub.example.test"
done

step "host keys survive a controller restart"
BEFORE=$(md show "$A" -o json | jq -c '[.file_access.host_keys[].sha256]')
stop_controller
restart_controller_same_port
assert_eq "$(md show "$A" -o json | jq -c '[.file_access.host_keys[].sha256]')" "$BEFORE" "fingerprints"
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$SFTP_PORT") 2>/dev/null && break; sleep 0.1; done
sftp_curl -u "$USER_A:$PW_A" "sftp://$HOST_A:$SFTP_PORT/project/" >/dev/null || fail "SFTP after restart"

step "credentials rotate files: the new password logs in, the old one no longer does"
expect_exit 0 credentials rotate "$A" files
NEW_PW_A=$(files_password "$A")
[ -n "$NEW_PW_A" ] && [ "$NEW_PW_A" != "$PW_A" ] || fail "rotate gave no new files password"
if sftp_curl -u "$USER_A:$PW_A" "sftp://$HOST_A:$SFTP_PORT/project/" >/dev/null 2>&1; then
  fail "the old SFTP password still logs in"
fi
PW_A=$NEW_PW_A
sftp_curl -u "$USER_A:$PW_A" "sftp://$HOST_A:$SFTP_PORT/project/" | grep -q up-sftp.txt ||
  fail "the new password does not list A's files"
ftps_curl -u "$USER_A:$PW_A" "ftp://$HOST_A:$FTP_PORT/project/" >/dev/null || fail "FTPS with the new password"

step "delete $B: its logins fail, its SSHFP record is gone"
expect_exit 0 delete "$B" --yes --no-backup
if curl -sS --max-time 20 --resolve "$B.example.test:$SFTP_PORT:127.0.0.1" --insecure -u "$USER_B:$PW_B" \
  "sftp://$B.example.test:$SFTP_PORT/" >/dev/null 2>&1; then
  fail "B's SFTP login works after delete"
fi
if curl -sS --max-time 20 --ssl-reqd --insecure -u "$USER_B:$PW_B" "ftp://127.0.0.1:$FTP_PORT/" >/dev/null 2>&1; then
  fail "B's FTP login works after delete"
fi
assert_eq "$(dig1 "$B.example.test" SSHFP)" "" "B's SSHFP record"
sftp_curl -u "$USER_A:$PW_A" "sftp://$HOST_A:$SFTP_PORT/project/" >/dev/null || fail "A still logs in"
echo "PASS file_access_test"
