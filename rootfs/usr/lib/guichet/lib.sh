# Shared helpers of the boot scripts (sourced, busybox sh). Everything the appliance knows about itself
# at run time lives under /run/guichet (tmpfs) so that the status screen can show it.
# Note: busybox sh runs its own applets before PATH (mke2fs, setpriv…): Debian tools are called by full path.
RUN=/run/guichet
DATA=/var/lib/guichet
SYSTEM="$DATA/system"
LABEL=GUICHET-DATA

# A boot message: kernel log (so it reaches the serial console and dmesg) and the boot log.
say() {
	echo "<5>guichet: $*" >/dev/kmsg 2>/dev/null || echo "guichet: $*" >/dev/console
	echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $*" >>"$RUN/boot.log"
}

# Writes one piece of state (data, network, tls…) for the status screen.
state() {
	printf '%s\n' "$2" >"$RUN/state.$1"
}

# Reads KEY=value from a config file without sourcing it: the data partition is writable, never executed.
conf_get() {
	[ -f "$1" ] || return 0
	sed -n "s/^[[:space:]]*$2=[\"']\{0,1\}\([^\"']*\)[\"']\{0,1\}[[:space:]]*\$/\1/p" "$1" | tail -n 1
}

# A kernel command line option guichet.NAME=value (empty when absent).
cmdline_get() {
	for w in $(cat /proc/cmdline); do
		case "$w" in "guichet.$1="*) echo "${w#*=}" ;; esac
	done
}

mkdir -p "$RUN"
