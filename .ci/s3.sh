# Sourced by .ci/run: start a throwaway S3-compatible server (versitygw, on
# a posix folder) on a free port, export what the S3 tests and the AWS SDK
# need, and stop it when the calling script exits. The binary is installed
# once with go install and kept in GOBIN between runs when the machine allows.
vgw_version=v1.8.0
vgw=$(command -v versitygw || true)
gobin=$(go env GOBIN); gobin=${gobin:-$(go env GOPATH)/bin}
[ -z "$vgw" ] && [ -x "$gobin/versitygw" ] && vgw=$gobin/versitygw
if [ -z "$vgw" ]; then
  echo "installing versitygw $vgw_version (once; kept in $gobin)"
  GOFLAGS=-buildvcs=false go install "github.com/versity/versitygw/cmd/versitygw@$vgw_version" || return 1
  vgw=$gobin/versitygw
fi
s3_dir=$(mktemp -d "${TMPDIR:-/tmp}/attest-s3-XXXXXX")
s3_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo $((40000 + RANDOM % 20000)))
export AWS_ACCESS_KEY_ID=attestci AWS_SECRET_ACCESS_KEY=attestci-secret-key AWS_REGION=us-east-1
ROOT_ACCESS_KEY=$AWS_ACCESS_KEY_ID ROOT_SECRET_KEY=$AWS_SECRET_ACCESS_KEY \
  "$vgw" --port "127.0.0.1:$s3_port" posix "$s3_dir" >"$s3_dir.log" 2>&1 &
s3_pid=$!
for i in $(seq 50); do
  (echo > "/dev/tcp/127.0.0.1/$s3_port") 2>/dev/null && break
  sleep 0.1
done
s3_stop() { kill "$s3_pid" 2>/dev/null; wait "$s3_pid" 2>/dev/null; rm -rf "$s3_dir" "$s3_dir.log"; }
export AWS_ENDPOINT_URL="http://127.0.0.1:$s3_port" ATTEST_TEST_S3=1
echo "versitygw $("$vgw" --version 2>/dev/null | head -1 | awk '{print $NF}') running on port $s3_port"
