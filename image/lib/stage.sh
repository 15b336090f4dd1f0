# Helpers shared by scripts/build-image and scripts/build-kiosk-image (sourced by bash).
# They assemble a root filesystem from Debian's own files (kernel modules, busybox-static, e2fsprogs…)
# in a staging folder and pack it as a zstd initramfs. No Docker, no root needed except where noted.

# Newest installed Debian kernel (linux-image-amd64).
kernel_version() {
	local k
	k=$(ls /lib/modules 2>/dev/null | sort -V | tail -n 1)
	[ -n "$k" ] && [ -r "/boot/vmlinuz-$k" ] || die "noyau Debian introuvable : installez linux-image-amd64 (scripts/debian-packages.txt)"
	echo "$k"
}

die() {
	echo "build-image : $*" >&2
	exit 1
}

# Busybox (static) and one symlink per applet, at the paths busybox itself lists.
stage_busybox() {
	local root=$1 a
	[ -x /bin/busybox ] || die "busybox-static manquant"
	{ ldd /bin/busybox 2>&1 || true; } | grep -q 'not a dynamic' || die "/bin/busybox n'est pas statique : installez busybox-static"
	install -D -m 0755 /bin/busybox "$root/bin/busybox"
	for a in $(/bin/busybox --list-full); do
		[ -e "$root/$a" ] || { mkdir -p "$root/$(dirname "$a")" && ln -s /bin/busybox "$root/$a"; }
	done
}

# Copies an ELF program (replacing a busybox applet of the same name) with every library it loads.
stage_elf() {
	local root=$1 src=$2 dst=${3:-$2} lib
	rm -f "$root$dst"
	install -D -m 0755 "$src" "$root$dst"
	for lib in $(ldd "$src" | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
	done
}

# Kernel modules with their dependencies (resolved by Debian's modprobe), then depmod for busybox modprobe.
stage_modules() {
	local root=$1 kver=$2 m f
	shift 2
	local dir="/lib/modules/$kver"
	for m in "$@"; do
		modprobe -S "$kver" --show-depends "$m" 2>/dev/null | awk '$1 == "insmod" { print $2 }' | while read -r f; do
			[ -e "$root$f" ] || install -D -m 0644 "$f" "$root$f"
		done
	done
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ -e "$dir/$f" ] && install -D -m 0644 "$dir/$f" "$root$dir/$f"
	done
	depmod -b "$root" "$kver" || die "depmod a échoué"
	# Firmware the staged drivers ask for, when installed (firmware-realtek, firmware-misc-nonfree come
	# from Debian's non-free-firmware section: without them some Realtek 2.5G NICs stay down).
	find "$root$dir" -name '*.ko' | while read -r f; do
		modinfo -F firmware "$f" 2>/dev/null
	done | sort -u | while read -r f; do
		if [ -e "/lib/firmware/$f" ]; then install -D -m 0644 "/lib/firmware/$f" "$root/lib/firmware/$f"; fi
	done
	return 0
}

# The files every image needs besides busybox: dirs, mtab, time zones, CA certificates.
stage_base() {
	local root=$1
	mkdir -p "$root"/{proc,sys,dev,run,tmp,root,var/lib,var/log,etc,usr/share/zoneinfo/Europe}
	ln -sf /proc/mounts "$root/etc/mtab"
	cp /usr/share/zoneinfo/Europe/Paris "$root/usr/share/zoneinfo/Europe/Paris"
	cp /usr/share/zoneinfo/UTC "$root/usr/share/zoneinfo/UTC"
	ln -sf /usr/share/zoneinfo/Europe/Paris "$root/etc/localtime"
	if [ -r /etc/ssl/certs/ca-certificates.crt ]; then
		install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
	fi
	# /init is busybox itself: as "init" it reads /etc/inittab.
	ln -sf /bin/busybox "$root/init"
}

# One newc cpio entry for a character device (no mknod, hence no root: the kernel reads the archive).
cpio_dev_entry() {
	local name=$1 mode=$2 major=$3 minor=$4 ino=$5
	local namesize=$((${#name} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
		"$ino" "$mode" 0 0 1 0 0 0 0 "$major" "$minor" "$namesize" 0 "$name"
	# Header (110 bytes) + name, padded to a multiple of 4.
	local pad=$(((4 - (110 + namesize) % 4) % 4))
	head -c "$pad" /dev/zero
}

# Packs the staging folder (owned by root inside) plus /dev/console and /dev/null as a zstd initramfs.
make_initramfs() {
	local root=$1 out=$2 level=${3:-3}
	(
		cd "$root"
		{
			# The kernel opens /dev/console before /init runs: it must be in the archive.
			cpio_dev_entry dev 040755 0 0 900001
			cpio_dev_entry dev/console 020600 5 1 900002
			cpio_dev_entry dev/null 020666 1 3 900003
			printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' 0 0 0 0 1 0 0 0 0 0 0 11 0 'TRAILER!!!'
			head -c $(((4 - (110 + 11) % 4) % 4)) /dev/zero
			find . -mindepth 1 ! -path ./dev | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet
		} | zstd -q -"$level" -T0 -o "$out" -f
	)
}

# Human size of a file, in MiB with one decimal.
size_mib() {
	awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f Mio", b / 1048576 }'
}
