#!/bin/sh
# The README's "Using it from C" commands must work as written: take the first
# sh block of that section, put examples-c/pop3_demo.c in place of app.c and an
# output name under build/, run it, then run the program.
set -eu
cd "$(dirname "$0")/.."
mkdir -p build
cmds=$(awk '/^## Using it from C/{s=1} s&&/^```sh/{f=1;next} f&&/^```/{exit} f{print}' README.md)
[ -n "$cmds" ] || { echo "check-readme: no sh block under 'Using it from C'"; exit 1; }
cmds=$(printf '%s\n' "$cmds" | sed -e 's#app\.c#-o build/readme-app examples-c/pop3_demo.c#')
printf '%s\n' "$cmds" > build/readme-link.sh
echo "check-readme: running the README's commands"; cat build/readme-link.sh
sh -e build/readme-link.sh
build/readme-app > build/readme-app.log 2>&1 || { cat build/readme-app.log; echo "check-readme: the program built with the README's line failed"; exit 1; }
echo "check-readme: ok"
