/**
 * The shell programs the jobs and the sidecar run, as POSIX sh (busybox in the images, dash in the tests). They take
 * every parameter from the environment, so the text is the same in the cluster and in the tests that run it against
 * the stand-ins. Nothing secret is ever on a command line or in the log: tokens and credentials go to curl through
 * files (`-H @file`, `-K file`, `--data-binary @-`).
 */

/** Shell text as written: the raw template, with `\${` (escaped from TypeScript) given back to the shell as `${`. */
function sh(text: TemplateStringsArray): string {
    return text.raw.join("").replace(/\\\$\{/g, "${");
}

/** Logging, failing and a curl for Vault (CA, time limit, retries on any error including 5xx). */
const VAULT_PRELUDE = sh`set -eu
log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
fail() { log "ERROR: $*"; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
vcurl() {
  curl -sS --fail-with-body --max-time "\${HTTP_TIMEOUT:-60}" --retry 3 --retry-delay 1 --retry-all-errors \
    \${VAULT_CACERT:+--cacert "$VAULT_CACERT"} "$@"
}
json_value() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p"; }
`;

/** Kubernetes auth login with the pod's projected service account token; leaves the token header in a file. */
const VAULT_LOGIN = sh`vault_login() {
  [ -r "$VAULT_JWT_PATH" ] || fail "no service account token at $VAULT_JWT_PATH"
  answer=$(printf '{"role":"%s","jwt":"%s"}' "$VAULT_ROLE" "$(cat "$VAULT_JWT_PATH")" |
    vcurl -X POST --data-binary @- "$VAULT_ADDR/v1/auth/$VAULT_AUTH_PATH/login") ||
    fail "login on auth/$VAULT_AUTH_PATH as role $VAULT_ROLE failed: $answer"
  token=$(printf '%s' "$answer" | json_value client_token)
  [ -n "$token" ] || fail "login on auth/$VAULT_AUTH_PATH answered no client_token"
  printf 'X-Vault-Token: %s\n' "$token" > "$WORK/token.header"
  log "logged in on auth/$VAULT_AUTH_PATH as role $VAULT_ROLE"
}
`;

/**
 * Raft snapshot job. Environment: VAULT_ADDR, VAULT_CACERT (optional), VAULT_AUTH_PATH, VAULT_ROLE, VAULT_JWT_PATH,
 * SNAPSHOT_TARGET (`volume` or `s3`); volume: SNAPSHOT_DIR, SNAPSHOT_KEEP; s3: S3_BUCKET, S3_PREFIX, AWS_REGION and the
 * IRSA variables (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE), optionally STS_ENDPOINT and S3_ENDPOINT.
 * It checks that the snapshot is a whole gzip archive before storing it, writes the volume copy under a temporary
 * name and renames it (a crash never leaves a half snapshot with a final name), and revokes its token when done.
 */
export const SNAPSHOT_SCRIPT = VAULT_PRELUDE + VAULT_LOGIN + sh`
store_volume() {
  part="$SNAPSHOT_DIR/.$name.partial"
  cp "$WORK/$name" "$part" || { rm -f "$part"; fail "cannot write $SNAPSHOT_DIR (full?)"; }
  mv "$part" "$SNAPSHOT_DIR/$name"
  log "stored $SNAPSHOT_DIR/$name"
  set -- $(ls -1 "$SNAPSHOT_DIR" | grep -E '^vault-raft-[0-9]{8}T[0-9]{6}Z\.snap$' | sort || true)
  while [ "$#" -gt "$SNAPSHOT_KEEP" ]; do
    rm -f "$SNAPSHOT_DIR/$1"
    log "pruned $1 (keeping $SNAPSHOT_KEEP)"
    shift
  done
}

xml_value() { tr -d '\n' | sed -n "s/.*<$1>\([^<]*\)<\/$1>.*/\1/p"; }

store_s3() {
  : "\${AWS_ROLE_ARN:?no IRSA role (AWS_ROLE_ARN)}" "\${AWS_WEB_IDENTITY_TOKEN_FILE:?no IRSA token file}" "\${AWS_REGION:?no AWS_REGION}"
  sts="\${STS_ENDPOINT:-https://sts.$AWS_REGION.amazonaws.com}"
  answer=$(curl -sS --fail-with-body --max-time 60 --retry 3 --retry-delay 1 --retry-all-errors -X POST \
    --data-urlencode "Action=AssumeRoleWithWebIdentity" --data-urlencode "Version=2011-06-15" \
    --data-urlencode "RoleArn=$AWS_ROLE_ARN" --data-urlencode "RoleSessionName=vault-snapshot" \
    --data-urlencode "DurationSeconds=900" --data-urlencode "WebIdentityToken@$AWS_WEB_IDENTITY_TOKEN_FILE" "$sts/") ||
    fail "STS refused AssumeRoleWithWebIdentity for $AWS_ROLE_ARN: $answer"
  key_id=$(printf '%s' "$answer" | xml_value AccessKeyId)
  secret=$(printf '%s' "$answer" | xml_value SecretAccessKey)
  session=$(printf '%s' "$answer" | xml_value SessionToken)
  [ -n "$key_id" ] && [ -n "$secret" ] && [ -n "$session" ] || fail "STS answered no credentials"
  printf 'user = "%s:%s"\nheader = "x-amz-security-token: %s"\n' "$key_id" "$secret" "$session" > "$WORK/s3.curlrc"
  sha=$(sha256sum "$WORK/$name" | cut -d' ' -f1)
  url="\${S3_ENDPOINT:-https://$S3_BUCKET.s3.$AWS_REGION.amazonaws.com}/$S3_PREFIX$name"
  curl -sS --fail-with-body --max-time 900 --retry 3 --retry-delay 1 --retry-all-errors -K "$WORK/s3.curlrc" \
    --aws-sigv4 "aws:amz:$AWS_REGION:s3" -X PUT -H "x-amz-content-sha256: $sha" -H "Content-Type: application/octet-stream" \
    --data-binary @"$WORK/$name" -o "$WORK/s3.answer" "$url" ||
    fail "S3 refused the upload to s3://$S3_BUCKET/$S3_PREFIX$name: $(cat "$WORK/s3.answer" 2>/dev/null)"
  log "stored s3://$S3_BUCKET/$S3_PREFIX$name (sha256 $sha)"
}

vault_login
name="vault-raft-$(date -u +%Y%m%dT%H%M%SZ).snap"
vcurl -H @"$WORK/token.header" -o "$WORK/$name" "$VAULT_ADDR/v1/sys/storage/raft/snapshot" ||
  fail "GET sys/storage/raft/snapshot failed: $(head -c 300 "$WORK/$name" 2>/dev/null)"
gzip -t "$WORK/$name" 2>/dev/null || fail "the snapshot is not a whole gzip archive; nothing stored"
log "snapshot taken: $(wc -c < "$WORK/$name") bytes"
vcurl -X POST -H @"$WORK/token.header" "$VAULT_ADDR/v1/auth/token/revoke-self" > /dev/null || log "warning: could not revoke the job's token (it expires on its own)"
case "$SNAPSHOT_TARGET" in
  volume) store_volume ;;
  s3) store_s3 ;;
  *) fail "unknown SNAPSHOT_TARGET $SNAPSHOT_TARGET" ;;
esac
`;

/**
 * Renewal of the scraper's periodic token, with the token itself (its policy grants `renew-self`: it carries no
 * `default` policy).
 * Environment: VAULT_ADDR, VAULT_CACERT (optional), VAULT_TOKEN_FILE.
 */
export const TOKEN_RENEW_SCRIPT = VAULT_PRELUDE + sh`
[ -r "$VAULT_TOKEN_FILE" ] || fail "no token at $VAULT_TOKEN_FILE"
printf 'X-Vault-Token: %s\n' "$(cat "$VAULT_TOKEN_FILE")" > "$WORK/token.header"
answer=$(printf '{}' | vcurl -X POST -H @"$WORK/token.header" --data-binary @- "$VAULT_ADDR/v1/auth/token/renew-self") ||
  fail "renew-self failed: $answer"
log "metrics token renewed for $(printf '%s' "$answer" | json_value lease_duration) seconds"
`;

/**
 * Audit log rotation, run by a sidecar in the server pod with the process namespace shared. For each file in
 * AUDIT_FILES (space-separated): when it reaches MAX_BYTES, or is non-empty and older than MAX_AGE_SECONDS (0: never),
 * it is renamed to `<file>.<UTC timestamp>` and Vault (the process named VAULT_PROCESS) gets SIGHUP, on which the file
 * audit device reopens its path. No rename happens while no Vault process can be signalled (Vault would keep writing to
 * the renamed file). Rotated files but the newest are gzipped when COMPRESS is `true`; only the newest KEEP are kept.
 * It checks every INTERVAL_SECONDS; ROTATE_ONCE=1 runs one pass (for `kubectl exec`).
 */
export const AUDIT_ROTATION_SCRIPT = sh`set -u
log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
vault_pid() {
  for d in /proc/[0-9]*; do
    if [ "$(cat "$d/comm" 2>/dev/null)" = "$VAULT_PROCESS" ]; then echo "\${d#/proc/}"; return 0; fi
  done
  return 1
}
rotated() {
  ls -1 "$1" | grep -E "^$(printf '%s' "$2" | sed 's/[.]/\\./g')\.[0-9]{8}T[0-9]{6}Z(\.gz)?$" | sort || true
}
rotate_one() {
  f=$1; dir=$(dirname "$f"); base=$(basename "$f"); since="$dir/.$base.since"
  [ -e "$since" ] || touch "$since"
  if [ -f "$f" ]; then
    size=$(wc -c < "$f"); age=$(( $(date +%s) - $(stat -c %Y "$since") )); due=""
    [ "$size" -ge "$MAX_BYTES" ] && due="size $size >= $MAX_BYTES"
    [ "$MAX_AGE_SECONDS" -gt 0 ] && [ "$size" -gt 0 ] && [ "$age" -ge "$MAX_AGE_SECONDS" ] && due="age \${age}s >= \${MAX_AGE_SECONDS}s"
    if [ -n "$due" ]; then
      target="$f.$(date -u +%Y%m%dT%H%M%SZ)"
      if ! pid=$(vault_pid); then
        log "not rotating $f ($due): no $VAULT_PROCESS process to reopen it"
      elif [ ! -e "$target" ] && [ ! -e "$target.gz" ]; then
        if ! mv "$f" "$target"; then log "cannot rename $f"
        elif touch "$since" && kill -HUP "$pid"; then log "rotated $f to $target ($due); $VAULT_PROCESS (pid $pid) reopens it"
        else log "rotated $f to $target but could not signal pid $pid: it writes there until the next rotation"; fi
      fi
    fi
  fi
  set -- $(rotated "$dir" "$base")
  while [ "$#" -gt "$KEEP" ]; do rm -f "$dir/$1"; log "deleted $dir/$1 (keeping $KEEP)"; shift; done
  if [ "$COMPRESS" = true ]; then
    while [ "$#" -gt 1 ]; do
      case "$1" in *.gz) ;; *) gzip "$dir/$1" && log "compressed $dir/$1" ;; esac
      shift
    done
  fi
}
trap 'exit 0' TERM INT
while :; do
  for f in $AUDIT_FILES; do rotate_one "$f"; done
  [ "\${ROTATE_ONCE:-}" = 1 ] && break
  sleep "$INTERVAL_SECONDS" & wait $!
done
`;
