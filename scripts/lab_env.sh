# Sourced by the scripts that start the lab (run_lab.sh, web.sh, worker.sh): decide the broker
# once, at startup, and export it, so every process started from here agrees. REDIS_URL when set;
# else Redis on 127.0.0.1:6379 if it answers PING (unless REPROLAB_EMBEDDED_BROKER=true); else
# nothing is exported and apps/settings.py uses the embedded file broker in var/broker/.
local_redis_answers() {
  timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/6379 && printf "PING\r\n" >&3 && IFS= read -r -t 1 reply <&3 \
    && [[ $reply == +PONG* ]]' 2>/dev/null
}
if [ -n "${REDIS_URL:-}" ]; then
  LAB_BROKER="redis (REDIS_URL=$REDIS_URL)"
elif [ "${REPROLAB_EMBEDDED_BROKER:-false}" != true ] && local_redis_answers; then
  export REDIS_URL="redis://127.0.0.1:6379/0"
  LAB_BROKER="redis (127.0.0.1:6379, found running)"
else
  LAB_BROKER="embedded file broker (${REPROLAB_VAR_DIR:-var}/broker)"
fi
