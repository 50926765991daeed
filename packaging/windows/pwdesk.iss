; Inno Setup script for pwdesk on Windows.
; Build the bundle first (see packaging/README.md), then, on Windows with Inno Setup 6:
;   iscc packaging\windows\pwdesk.iss
; The version is read from the built executable, which takes it from pwdesk/__init__.py.

#define AppExe "..\..\dist\pwdesk\pwdesk.exe"
#define AppVersion GetVersionNumbersString(AppExe)

[Setup]
AppId={{6C2F1B0A-6A55-4B8F-9B8E-3D3F5A2F7C11}
AppName=pwdesk
AppVersion={#AppVersion}
AppPublisher=pwdesk
DefaultDirName={autopf}\pwdesk
DefaultGroupName=pwdesk
DisableProgramGroupPage=yes
OutputDir=..\..\dist
OutputBaseFilename=pwdesk-setup
SetupIconFile=..\..\resources\icons\pwdesk.ico
Compression=lzma2
SolidCompression=yes
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesInstallIn64BitMode=x64compatible

[Files]
Source: "..\..\dist\pwdesk\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{autoprograms}\pwdesk"; Filename: "{app}\pwdesk.exe"; Parameters: "gui"; IconFilename: "{app}\_internal\pwdesk\_resources\icons\pwdesk.ico"

[Run]
Filename: "{app}\pwdesk.exe"; Parameters: "gui"; Description: "Open pwdesk"; Flags: nowait postinstall skipifsilent
