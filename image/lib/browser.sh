# The kiosk's browser session (sourced by scripts/build-kiosk-image): Debian's Chromium full screen
# under cage, a Wayland kiosk compositor, with seatd for the screen/keyboard and udevd for input
# devices (libinput ignores devices udev has not seen). All from Debian packages.

BROWSER_FILES=(/usr/bin/cage /usr/bin/Xwayland /usr/sbin/seatd /bin/udevadm /usr/lib/chromium/chromium /usr/bin/setpriv /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf)

# Which of the needed files are missing (empty when the browser session can be built).
browser_missing() {
	local f
	for f in "${BROWSER_FILES[@]}"; do [ -e "$f" ] || echo -n "$f "; done
}

browser_available() {
	[ -z "$(browser_missing)" ]
}

# Copies compositor, browser, their libraries and data, udev rules, fonts, keyboard maps.
stage_browser() {
	local root=$1 repo=$2 f
	stage_elf "$root" /usr/bin/cage /usr/bin/cage
	# cage refuses to start without Xwayland (started lazily: never, as Chromium speaks Wayland).
	stage_elf "$root" /usr/bin/Xwayland /usr/bin/Xwayland
	stage_elf "$root" /usr/sbin/seatd /usr/sbin/seatd
	stage_elf "$root" /usr/bin/setpriv /usr/bin/setpriv
	stage_elf "$root" /bin/udevadm /bin/udevadm
	mkdir -p "$root/lib/systemd"
	ln -sf /bin/udevadm "$root/lib/systemd/systemd-udevd"
	# Only the rules that name and classify input and display devices.
	for f in 50-udev-default 60-drm 60-evdev 60-input-id 60-persistent-input 70-mouse 70-touchpad 80-libinput-device-groups 90-libinput-fuzz-override; do
		[ -e "/lib/udev/rules.d/$f.rules" ] && install -D -m 0644 "/lib/udev/rules.d/$f.rules" "$root/lib/udev/rules.d/$f.rules"
	done
	for f in /lib/udev/libinput-device-group /lib/udev/libinput-fuzz-extract /lib/udev/libinput-fuzz-to-zero; do
		[ -e "$f" ] && stage_elf "$root" "$f" "$f"
	done
	# libinput's device quirks and xkbcommon's keyboard maps (French layout by default).
	[ -d /usr/share/libinput ] && mkdir -p "$root/usr/share" && cp -a /usr/share/libinput "$root/usr/share/"
	mkdir -p "$root/usr/share/X11" && cp -a /usr/share/X11/xkb "$root/usr/share/X11/"
	# Chromium: the binary, its resources, French and English locales only.
	mkdir -p "$root/usr/lib/chromium/locales"
	for f in /usr/lib/chromium/*; do
		[ -f "$f" ] && [ "$(basename "$f")" != chromium ] && cp -a "$f" "$root/usr/lib/chromium/"
	done
	# fr.pak comes with chromium-l10n; without it Chromium's own pages (errors) are in English.
	for f in /usr/lib/chromium/locales/fr.pak /usr/lib/chromium/locales/en-US.pak; do
		[ -e "$f" ] && cp "$f" "$root/usr/lib/chromium/locales/"
	done
	stage_elf "$root" /usr/lib/chromium/chromium /usr/lib/chromium/chromium
	for f in /usr/lib/chromium/chrome_crashpad_handler /usr/lib/chromium/libEGL.so /usr/lib/chromium/libGLESv2.so /usr/lib/chromium/libvk_swiftshader.so; do
		[ -e "$f" ] && stage_elf "$root" "$f" "$f"
	done
	# Fonts and fontconfig (the lock screen is text).
	mkdir -p "$root/usr/share/fonts/truetype" "$root/etc"
	cp -a /usr/share/fonts/truetype/dejavu "$root/usr/share/fonts/truetype/"
	cp -a /etc/fonts "$root/etc/"
	install -D -m 0755 "$repo/image/kiosk/browser-session" "$root/usr/lib/guichet/browser-session"
}
