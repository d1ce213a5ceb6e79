#!/usr/bin/env bash
# Installs what the tests need besides npm packages, so that the README's test command passes on a fresh
# machine: Debian's chromium (test/gitops/plan-html.test.ts drives the plan page in it), age and openssl. Runs before jest in
# `npx projen test` and `npx projen build`. Installing needs root and apt-get; otherwise it says what to install.
# It never fails the build itself: tests that need a missing tool fail with a message naming it, they never skip.
set -uo pipefail

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test setup: chromium is missing; installing Debian's chromium with apt-get" >&2
    if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); then
      echo "WARNING: could not install chromium; test/gitops/plan-html.test.ts will fail" >&2
    fi
  else
    echo "WARNING: chromium is missing and cannot be installed here (needs root and apt-get): run 'sudo apt-get install chromium'; test/gitops/plan-html.test.ts will fail" >&2
  fi
fi

# age and age-keygen (the SOPS tests encrypt and decrypt with them: test/secrets/support.ts) and openssl (the
# Sealed Secrets tests): Debian's own packages.
missing=()
command -v age-keygen >/dev/null 2>&1 || missing+=(age)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test setup: ${missing[*]} missing; installing Debian's ${missing[*]} with apt-get" >&2
    if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null); then
      echo "WARNING: could not install ${missing[*]}; the SOPS and Sealed Secrets tests will fail" >&2
    fi
  else
    echo "WARNING: ${missing[*]} missing and cannot be installed here (needs root and apt-get): run 'sudo apt-get install ${missing[*]}'; the SOPS and Sealed Secrets tests will fail" >&2
  fi
fi

# kubectl (its built-in kustomize) reads every synthesized file back: the machine provides it (Debian's own
# kubernetes-client package is too old for it).
command -v kubectl >/dev/null 2>&1 || echo "WARNING: kubectl is not on PATH; test/gitops/kubectl-roundtrip.test.ts will fail" >&2
exit 0
