# Sourced by the measuring scripts (claims.sh, power.sh): what they need before any work.
#   swlab_prerequisite_problem BUILD
#       prints the first missing prerequisite as one line, nothing when all are there; each
#       script reports it its own way (one line, exit 2).
swlab_prerequisite_problem() {
  local build=$1
  if [ ! -x "$build/swlab" ]; then
    echo "no swlab binary at $build/swlab (build it: cmake --preset release && cmake --build --preset release)"
  elif [ ! -x /usr/bin/python3 ]; then
    echo "/usr/bin/python3 is missing"
  fi
}
