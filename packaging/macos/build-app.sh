#!/usr/bin/env bash
# Build pwdesk.app on macOS from the PyInstaller bundle (run from the repository, on a Mac).
set -euo pipefail
pyinstaller packaging/pwdesk.spec --noconfirm
version=$(python -c "import pwdesk; print(pwdesk.__version__)")
app=dist/pwdesk.app
rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
cp -R dist/pwdesk/ "$app/Contents/MacOS/"
# The icon: an .icns made from the shipped PNG with the system's tools.
iconset=$(mktemp -d)/pwdesk.iconset
mkdir -p "$iconset"
for size in 16 32 64 128 256 512; do
  sips -z $size $size resources/icons/pwdesk.png --out "$iconset/icon_${size}x${size}.png" >/dev/null
done
iconutil -c icns "$iconset" -o "$app/Contents/Resources/pwdesk.icns"
cat > "$app/Contents/Info.plist" <<PLIST
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
  <key>CFBundleName</key><string>pwdesk</string>
  <key>CFBundleIdentifier</key><string>org.pwdesk.pwdesk</string>
  <key>CFBundleVersion</key><string>${version}</string>
  <key>CFBundleShortVersionString</key><string>${version}</string>
  <key>CFBundleExecutable</key><string>pwdesk-gui</string>
  <key>CFBundleIconFile</key><string>pwdesk.icns</string>
  <key>NSHighResolutionCapable</key><true/>
</dict></plist>
PLIST
# Finder starts the window; the bundled command line stays available inside the app.
cat > "$app/Contents/MacOS/pwdesk-gui" <<'LAUNCH'
#!/bin/sh
exec "$(dirname "$0")/pwdesk" gui
LAUNCH
chmod +x "$app/Contents/MacOS/pwdesk-gui"
echo "Built $app (version $version). Sign and notarise it with the council's Apple certificate."
