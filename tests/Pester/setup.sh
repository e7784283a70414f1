#!/usr/bin/env bash
# Installs what the Pester suite needs when it is missing: pwsh 7.6.10 (a .NET global tool) and Pester 5.7.1 and
# 6.2.0 (NuGet packages, imported by path). Prints nothing but errors; exit 0 when both are ready.
# Usage: bash tests/Pester/setup.sh     then: source <(bash tests/Pester/setup.sh --env)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tools=${DOTNET_TOOLS:-$HOME/.dotnet/tools}
nuget=${NUGET_PACKAGES:-$HOME/.nuget/packages}
PWSH_VERSION=7.6.10
PESTER_VERSIONS=(5.7.1 6.2.0)

if [ "${1:-}" = --env ]; then
  echo "export PATH=\"\$PATH:$tools\""
  echo "export MAILFLOW_PESTER_MODULES=\"$(for v in "${PESTER_VERSIONS[@]}"; do printf '%s ' "$nuget/pester/$v/tools/Pester.psd1"; done | sed 's/ $//')\""
  exit 0
fi

if ! "$tools/pwsh" -NoProfile -NoLogo -Command "if (\$PSVersionTable.PSVersion -ne [version]'$PWSH_VERSION') { exit 1 }" >/dev/null 2>&1; then
  # Without a version the tool installs 7.7.0, which does not run here.
  dotnet tool uninstall --global PowerShell >/dev/null 2>&1 || true
  dotnet tool install --global PowerShell --version "$PWSH_VERSION" >/dev/null
fi
missing=0
for v in "${PESTER_VERSIONS[@]}"; do
  [ -f "$nuget/pester/$v/tools/Pester.psd1" ] || missing=1
done
[ -f "$nuget/bouncycastle.cryptography/2.4.0/lib/net6.0/BouncyCastle.Cryptography.dll" ] || missing=1
if [ "$missing" = 1 ]; then
  dotnet restore "$here/packages/PesterPackages.csproj" --nologo -v q >/dev/null
fi
for v in "${PESTER_VERSIONS[@]}"; do
  [ -f "$nuget/pester/$v/tools/Pester.psd1" ] || { echo "Pester $v did not install into $nuget/pester/$v." >&2; exit 1; }
done
