#!/bin/sh
# The main job: builds numberctl and runs a short, readable demonstration.
set -eu
cd "$(dirname "$0")/.."
sh tools/install-deps.sh
[ -f build/build.ninja ] || meson setup build > /dev/null
meson compile -C build > /dev/null
numberctl=./build/examples/numberctl/numberctl
run() {
	printf '\n$ numberctl'
	printf ' %s' "$@"
	printf '\n'
	"$numberctl" "$@" || true
}
run version
run parse +61255501100
run parse --region AU "02 5550 1100"
run parse --region US "011 44 20 7946 0958"
run parse +1202555013
run range +61255501100-99
run parse "+1 800 FLOWERS"
printf '\n$ printf "+61255501100\\n(202) 555-0134\\n" | numberctl parse --region US -\n'
printf '+61255501100\n(202) 555-0134\n' | "$numberctl" parse --region US - || true

# The store: numberctl keeps its data in a file (./numbering.db by default, or
# $NUMBERING_STORE), so each command below is a separate process that finds what the
# previous ones wrote. The demonstration runs in a temporary directory.
demo_dir=$(mktemp -d)
trap 'rm -rf "$demo_dir"' EXIT
numberctl=$(cd "$(dirname "$numberctl")" && pwd)/numberctl
cd "$demo_dir"
printf '\n# A file store in %s: every numberctl run below is a new process.\n' "$demo_dir"
run call CreatePhoneNumberInstance '{"parent":"projects/acme","phoneNumberInstanceId":"sydney-office","phoneNumberInstance":{"phoneNumber":{"phoneNumber":"+61255501100-99"},"displayName":"Sydney office","lifecycleState":"PENDING"}}'
run call ActivatePhoneNumberInstance '{"name":"projects/acme/phoneNumberInstances/sydney-office"}'
run call ResolvePhoneNumber '{"phoneNumber":"+61255501142"}'
run call SplitRange '{"phoneNumberInstance":"projects/acme/phoneNumberInstances/sydney-office","size":50}'
run call ResolvePhoneNumber '{"phoneNumber":"+61255501170"}'
run call ListPhoneNumberInstances '{"parent":"projects/acme"}'
printf '\n$ ls -l numbering.db\n'
ls -l numbering.db | awk '{print $5, "bytes", $NF}'
run fsck

