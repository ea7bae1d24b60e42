# Sourced by run.sh and cluster.sh: keeps the processes they start running, and stops them all.
# Needs $top (the checkout) and $logs (the log folder) set by the script that sources it.

# supervise NAME LOG COMMAND...: runs COMMAND with its output appended to LOG and starts it again
# whenever it exits, however it exits (unless CAPTIONFLOW_RESTART=no: then once). Runs in the
# background: on SIGTERM it stops COMMAND, waits for it, and returns without restarting it.
supervise() {
  local name=$1 log=$2; shift 2
  local delay=1 restarts=0 up_since status how
  trap - EXIT
  # Ctrl-C and a hang-up reach the whole terminal's process group: this shell and COMMAND (which
  # inherits this) ignore them and leave them to stop_all, which stops the applications first
  trap '' INT HUP
  # jobs -p: the command or the backoff sleep, whichever runs, even if the signal came before $! was read
  trap 'trap - TERM; kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; exit 0' TERM
  while :; do
    up_since=$SECONDS
    # (the name is also each application's service.instance.id in the spans it exports)
    MANAGEMENT_OPENTELEMETRY_RESOURCEATTRIBUTES_SERVICE_INSTANCE_ID="$name" "$@" >> "$log" 2>&1 &
    # its pid, for whoever needs to signal this one process (a test killing a broker)
    [ -z "${pids:-}" ] || echo $! > "$pids/$name.pid"
    # (2>/dev/null: bash would add its own "Killed" line for a command a signal ended)
    status=0; wait $! 2>/dev/null || status=$?
    how="status $status"
    if [ "$status" -gt 128 ] && sig=$(kill -l $((status - 128)) 2>/dev/null); then how="$how, killed by SIG$sig"; fi
    if [ "${CAPTIONFLOW_RESTART:-yes}" = no ]; then
      echo "$name exited ($how); not restarted (CAPTIONFLOW_RESTART=no); see ${log#"$top"/}" >&2 || true
      echo "[supervise $(date '+%F %T')] $name exited ($how); not restarted" >> "$log"
      return 0
    fi
    [ $((SECONDS - up_since)) -lt 60 ] || delay=1
    restarts=$((restarts + 1))
    echo "$name exited ($how); restarting in ${delay}s (restart $restarts); see ${log#"$top"/}" >&2 || true
    echo "[supervise $(date '+%F %T')] $name exited ($how); restarting in ${delay}s (restart $restarts)" >> "$log"
    sleep "$delay" & wait $! || true
    delay=$((delay * 2 > 30 ? 30 : delay * 2))
  done
}

# the supervisors of the infrastructure (brokers, a balancer): stopped after the applications
infrastructure=()
stop_all() {
  trap - INT TERM HUP EXIT
  # every background job is a supervisor (listed by jobs -p, so none is missed even if the signal
  # came before its pid was stored); the applications' first, while the broker can still take
  # their last offsets and records
  local apps=() job
  for job in $(jobs -p); do
    [[ " ${infrastructure[*]} " == *" $job "* ]] || apps+=("$job")
  done
  if [ ${#apps[@]} -gt 0 ]; then
    { echo; echo "Stopping CaptionFlow..."; } 2>/dev/null || true  # the terminal may be gone (SIGHUP)
    kill "${apps[@]}" 2>/dev/null || true
    wait "${apps[@]}" 2>/dev/null || true
  fi
  if [ ${#infrastructure[@]} -gt 0 ]; then
    kill "${infrastructure[@]}" 2>/dev/null || true
    wait "${infrastructure[@]}" 2>/dev/null || true
  fi
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all; exit 129' HUP
trap stop_all EXIT

listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_for() { # name, seconds, command...: polls until the command succeeds; past the limit, says so once
  local name=$1 limit=$2 since=$SECONDS said=""; shift 2
  until "$@"; do
    if [ -z "$said" ] && [ $((SECONDS - since)) -ge "$limit" ]; then
      echo "$name is not ready after ${limit}s; still waiting (see $logs; Ctrl-C stops)" >&2
      said=1
    fi
    sleep 0.2
  done
}
