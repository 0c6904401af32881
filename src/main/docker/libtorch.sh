#!/bin/sh
# Lays out libtorch for DJL's PYTORCH_LIBRARY_PATH override at image build time, so that a container
# never extracts or downloads natives at start (DJL_OFFLINE=true, read-only root filesystem).
#
#   libtorch.sh cpu-natives <app-lib-dir> <pytorch-version> <dest-dir>
#       the CPU libtorch that the pom bundles (ai.djl.pytorch:pytorch-native-cpu), unpacked
#   libtorch.sh zip-natives <libtorch.zip> <pytorch-version> <flavor> <dest-dir>
#       lib/ of an official libtorch zip (e.g. libtorch-cxx11-abi-shared-with-deps-2.7.1+cu128.zip)
#   libtorch.sh jni <app-lib-dir> <pytorch-version> <flavor> <dest-dir>
#       DJL's JNI bridge for that flavor, taken from the app's own pytorch-jni jar and placed next to
#       libtorch as libdjl_torch.so, where DJL's LibUtils looks first (before its cache directory)
#
# Every mode checks the version it unpacks against <pytorch-version>, so the image cannot pair a JNI
# built for one libtorch with natives of another. Needs: sh, unzip, grep.
set -eu

die() { echo "libtorch.sh: $*" >&2; exit 1; }

# the single jar in <dir> whose name matches <glob>
single_jar() {
  found=""
  for f in "$1"/$2; do
    [ -f "$f" ] || continue
    [ -z "$found" ] || die "more than one $2 in $1"
    found="$f"
  done
  [ -n "$found" ] || die "no $2 in $1"
  echo "$found"
}

# value of <key> in the properties file <entry> inside <jar>
jar_property() {
  unzip -p "$1" "$2" | grep "^$3=" | head -n 1 | cut -d= -f2- | tr -d '\r'
}

mode="${1:-}"
case "$mode" in
  cpu-natives)
    [ $# -eq 4 ] || die "usage: $0 cpu-natives <app-lib-dir> <pytorch-version> <dest-dir>"
    jar=$(single_jar "$2" '*pytorch-native-cpu-*-linux-x86_64.jar')
    bundled=$(jar_property "$jar" native/lib/pytorch.properties version)
    case "$bundled" in
      "$3"|"$3"-*) ;;
      *) die "$jar carries libtorch $bundled, expected $3" ;;
    esac
    mkdir -p "$4"
    unzip -q -j -o "$jar" 'pytorch/cpu/linux-x86_64/*' -d "$4"
    [ -f "$4/libtorch.so" ] || die "no libtorch.so unpacked from $jar"
    echo "$3+cpu" > "$4/../build-version"
    ;;
  zip-natives)
    [ $# -eq 5 ] || die "usage: $0 zip-natives <libtorch.zip> <pytorch-version> <flavor> <dest-dir>"
    built=$(unzip -p "$2" libtorch/build-version | tr -d '\r\n')
    [ "$built" = "$3+$4" ] || die "$2 is libtorch $built, expected $3+$4"
    mkdir -p "$5"
    unzip -q -j -o "$2" 'libtorch/lib/*' -d "$5"
    [ -f "$5/libtorch.so" ] || die "no libtorch.so unpacked from $2"
    # static archives are for linking C++ programs, not for DJL
    rm -f "$5"/*.a
    echo "$built" > "$5/../build-version"
    ;;
  jni)
    [ $# -eq 5 ] || die "usage: $0 jni <app-lib-dir> <pytorch-version> <flavor> <dest-dir>"
    jar=$(single_jar "$2" '*pytorch-jni-*.jar')
    jni=$(jar_property "$jar" jnilib/pytorch.properties jni_version)
    case "$jni" in
      "$3"-*) ;;
      *) die "$jar is the JNI for libtorch $jni, expected $3" ;;
    esac
    mkdir -p "$5"
    unzip -q -j -o "$jar" "jnilib/linux-x86_64/$4/libdjl_torch.so" -d "$5" \
      || die "$jar has no JNI for flavor $4 on linux-x86_64"
    ;;
  *)
    die "unknown mode '$mode' (cpu-natives | zip-natives | jni)"
    ;;
esac
