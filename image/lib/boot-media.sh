# Boot media around vmlinuz + initramfs.img (sourced by bash): a hybrid ISO and a raw EFI disk image.
# Built without mounting anything (no vfat mounts here): grub-mkrescue/xorriso, mtools, sgdisk.

# GRUB menu: one entry, short timeout; the serial console too, for headless boxes and tests.
grub_cfg() {
	local version=$1 dir=$2
	cat <<CFG
set timeout=3
set default=0
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
search --no-floppy --file --set=root $dir/vmlinuz
menuentry "Guichet $version" {
	linux $dir/vmlinuz console=ttyS0,115200n8 console=tty0 quiet loglevel=3
	initrd $dir/initramfs.img
}
CFG
}

# guichet.iso: BIOS (El Torito + MBR) and UEFI (El Torito EFI + GPT ESP): CD, or USB stick written with dd.
make_iso() {
	local out=$1 version=$2 tree
	for t in grub-mkrescue xorriso mformat; do command -v "$t" >/dev/null || die "$t manquant (grub-pc-bin, grub-efi-amd64-bin, xorriso, mtools)"; done
	tree=$(mktemp -d)
	mkdir -p "$tree/boot/grub"
	cp "$out/vmlinuz" "$out/initramfs.img" "$tree/boot/"
	grub_cfg "$version" /boot >"$tree/boot/grub/grub.cfg"
	if ! grub-mkrescue -o "$out/guichet.iso" "$tree" -- -volid GUICHET >"$out/grub-mkrescue.log" 2>&1; then
		rm -rf "$tree"
		die "grub-mkrescue a échoué (voir $out/grub-mkrescue.log)"
	fi
	rm -rf "$tree" "$out/grub-mkrescue.log"
}

# guichet-efi.img: GPT with one EFI system partition (label GUICHET-BOOT) holding Debian's signed shim
# and grub, so Secure Boot can stay on (Debian's kernel is signed too). Written to the mini-PC's disk,
# the free space after it becomes the data partition on first boot (rootfs boot-data-disk).
make_efi_disk() {
	local out=$1 version=$2 esp img mib tmp
	for t in sgdisk mkfs.vfat mcopy mmd; do command -v "$t" >/dev/null || die "$t manquant (gdisk, dosfstools, mtools)"; done
	local shim=/usr/lib/shim/shimx64.efi.signed grub=/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed mm=/usr/lib/shim/mmx64.efi.signed
	[ -r "$shim" ] && [ -r "$grub" ] || die "shim-signed et grub-efi-amd64-signed manquants"
	# Room for the kernel, the initramfs and a new version beside them during an upgrade.
	mib=$((($(stat -c %s "$out/vmlinuz") + $(stat -c %s "$out/initramfs.img")) * 2 / 1048576 + 16))
	# The data partition starts at 1 GiB on the boot disk (rootfs boot-data-disk): stay below it.
	[ "$mib" -lt 1000 ] || die "partition de démarrage de $mib Mio : elle doit rester sous 1 Gio"
	tmp=$(mktemp -d)
	esp="$tmp/esp.img"
	img="$out/guichet-efi.img"
	mkfs.vfat -C "$esp" $((mib * 1024)) -n GUICHET >/dev/null
	mmd -i "$esp" ::/EFI ::/EFI/BOOT ::/EFI/debian ::/guichet
	mcopy -i "$esp" "$shim" ::/EFI/BOOT/BOOTX64.EFI
	mcopy -i "$esp" "$grub" ::/EFI/BOOT/grubx64.efi
	[ -r "$mm" ] && mcopy -i "$esp" "$mm" ::/EFI/BOOT/mmx64.efi
	# Debian's signed grub reads $prefix/grub.cfg with prefix /EFI/debian on the partition it came from.
	grub_cfg "$version" /guichet >"$tmp/grub.cfg"
	mcopy -i "$esp" "$tmp/grub.cfg" ::/EFI/debian/grub.cfg
	mcopy -i "$esp" "$tmp/grub.cfg" ::/EFI/BOOT/grub.cfg
	mcopy -i "$esp" "$out/vmlinuz" "$out/initramfs.img" ::/guichet/
	rm -f "$img"
	truncate -s $((mib + 2))M "$img"
	sgdisk -o -n 1:2048:+"${mib}M" -t 1:ef00 -c 1:GUICHET-BOOT "$img" >/dev/null
	dd if="$esp" of="$img" bs=1M seek=1 conv=notrunc status=none
	rm -rf "$tmp"
}
