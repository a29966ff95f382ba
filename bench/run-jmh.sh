#!/usr/bin/env bash
# Runs Agua's JMH micro-benchmarks (issue 7) with short forks and iterations (about two minutes)
# and prints JMH's table, with allocations per operation (gc.alloc.rate.norm, from -prof gc).
# Extra arguments go to JMH, for example a benchmark filter: bench/run-jmh.sh GuardBenchmark
# Not part of `mvn verify`; the build only compiles the benchmarks.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
if [[ ! -f "$here/target/classpath.txt" || ! -f "$here/target/classes/META-INF/BenchmarkList" ]]; then
  (cd "$root" && mvn -q -B install -DskipTests)
fi
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
exec java -cp "$cp" org.openjdk.jmh.Main -f 1 -wi 2 -w 2s -i 3 -r 2s -prof gc -jvmArgs "-Xmx2g" "$@"
