# Sourced by `make test`: where the tests find their services (override any of these).
export COMEXLAB_TEST_POSTGRES_URL="${COMEXLAB_TEST_POSTGRES_URL:-postgresql+psycopg://comexlab:comexlab@127.0.0.1:5432/comexlab_test}"
export COMEXLAB_CHROMIUM="${COMEXLAB_CHROMIUM:-/usr/bin/chromium}"
