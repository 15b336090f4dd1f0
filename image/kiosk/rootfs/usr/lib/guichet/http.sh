# Plain HTTP to the agent's page on this machine, with busybox nc (busybox wget crashes in this image).
# http_req METHOD PATH [JSON] → the response body. Writes carry the header the agent requires.
AGENT_PORT=8090
http_req() {
	body=${3:-}
	printf '%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nx-guichet-kiosk: 1\r\ncontent-type: application/json\r\ncontent-length: %s\r\n\r\n%s' \
		"$1" "$2" "${#body}" "$body" | nc -w 5 127.0.0.1 "$AGENT_PORT" 2>/dev/null | sed '1,/^\r*$/d'
}
