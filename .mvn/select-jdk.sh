# Sourced by ./mvnw: pick a JDK 21+ for the build. Honours JAVA_HOME when it already points at 21+,
# otherwise takes the newest JDK under /usr/lib/jvm (the default `java` here is 17).
clipstream_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}
if [ -z "${JAVA_HOME:-}" ] || [ "$(clipstream_java_major "$JAVA_HOME" 2>/dev/null || echo 0)" -lt 21 ] 2>/dev/null; then
  best=""; bestv=0
  for d in /usr/lib/jvm/*/; do
    d=${d%/}
    [ -x "$d/bin/javac" ] || continue
    v=$(clipstream_java_major "$d" 2>/dev/null || echo 0)
    if [ "${v:-0}" -gt "$bestv" ] 2>/dev/null; then best=$d; bestv=$v; fi
  done
  if [ "$bestv" -lt 21 ]; then
    echo "ClipStream needs a JDK 21 or newer; none found (JAVA_HOME='${JAVA_HOME:-}', /usr/lib/jvm has none). Install one, e.g. Temurin 21+, and set JAVA_HOME." >&2
    exit 1
  fi
  export JAVA_HOME=$best
fi
