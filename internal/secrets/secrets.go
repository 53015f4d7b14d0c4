// Package secrets recognises credentials: environment variables whose name
// or value looks like one (benchy env and the results record the
// environment with them withheld), and the same shapes in free text, such
// as an arm's stderr that prints its environment or a URL with a password.
// It errs on the side of redaction.
package secrets

import (
	"regexp"
	"sort"
	"strings"
)

// Redacted replaces what looks like a secret.
const Redacted = "(redacted)"

// secretName matches variable names whose values must never be recorded.
// Short words (KEY, PAT, PASS, PWD) count only as a whole part of the name,
// so that MONKEY or NCCL_IB_PATH are kept.
var secretName = regexp.MustCompile(`(?i)(SECRET|TOKEN|PASSW|PASSPHRASE|CRED|PRIVATE|API_?KEY|ACCESS_?KEY|AUTH|SESSION|COOKIE|SIGNATURE|BEARER|(^|_)KEYS?($|_)|(^|_)PAT($|_)|(^|_)PASS($|_)|(^|_)PWD($|_)|DSN)`)

// valueRules match values that look like credentials wherever they
// appear. Each matches the whole credential; the group named keep, where
// there is one, is the part before it that stays (a scheme, a key=).
var valueRules = []*regexp.Regexp{
	regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|\z)`),
	regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})`),
	regexp.MustCompile(`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`),
	regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9-]{10,}`),
	regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{20,}`),
	regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}(?:\.[A-Za-z0-9_-]*)?`), // JWT
	// Any user information in a URL: user:password@, :password@ and a
	// token as the user name (https://TOKEN@host) alike.
	regexp.MustCompile(`(?P<keep>://)[^/?#\s]*@`),
	// A password with an unescaped "/" (https://user:pa/ss@host).
	regexp.MustCompile(`(?P<keep>://)[^\s@/]*:[^\s@]*@`),
	// user:password@host without a scheme, as in a MySQL DSN.
	regexp.MustCompile(`(?P<keep>^|[\s,;=])[^\s/:@,;=]+:[^\s/@]+@`),
	// A credential in a query string or a key=value list.
	regexp.MustCompile(`(?i)(?P<keep>(?:^|[^a-z0-9])(?:password|passwd|pwd|pass|secret|token|api_?key|apikey|access_?key|secret_?key|private_?key|signature|sig|auth|credentials?)=)[^\s&;,"']*`),
	// An HTTP Authorization header value.
	regexp.MustCompile(`(?i)(?P<keep>\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}`),
	// A suite variable on a command line (BENCHY_ARGS="--var pw=x"): its
	// value may be sensitive.
	regexp.MustCompile(`(?P<keep>(?:^|\s)--?var(?:=|\s+)[^\s=]*=)\S*`),
}

// uuidLike matches a UUID, as in GPU and MIG identifiers.
var uuidLike = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

// longOpaque matches a long run of base64/hex-like characters.
var longOpaque = regexp.MustCompile(`[A-Za-z0-9+/_=-]{32,}`)

// NameLooksSecret reports whether a variable's name says that its value
// is a credential (HF_TOKEN, DB_PASSWORD, SSH_KEY; not MONKEY).
func NameLooksSecret(name string) bool { return secretName.MatchString(name) }

// LooksSecret reports whether a variable's name or value looks like a
// credential: the name, a credential's shape anywhere in the value, or a
// long opaque token that mixes letters and digits.
func LooksSecret(name, value string) bool {
	if NameLooksSecret(name) {
		return true
	}
	for _, re := range valueRules {
		if re.MatchString(value) {
			return true
		}
	}
	// A long opaque token that is not a path, a list of paths or a UUID
	// (GPU UUIDs in CUDA_VISIBLE_DEVICES are not secret).
	for _, m := range longOpaque.FindAllString(uuidLike.ReplaceAllString(value, " "), -1) {
		if !strings.Contains(m, "/") && mixedClasses(m) {
			return true
		}
	}
	return false
}

// mixedClasses reports whether s mixes letters and digits, as random
// tokens do and ordinary words and numbers do not.
func mixedClasses(s string) bool {
	var letters, digits bool
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
			letters = true
		}
	}
	return letters && digits
}

// assignment finds NAME=value in text: at the start of a line (as `env`
// prints it, or after export / declare -x) the value runs to the end of
// the line, elsewhere to the next space or quote.
var assignment = regexp.MustCompile(`(?m)(?P<lead>^(?:export\s+|declare\s+-x\s+|set\s+)?|[\s;'"(,{])(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)=`)

// jsonMember finds "name": "value" in text.
var jsonMember = regexp.MustCompile(`"(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)"`)

// orphanKeyEnd finds the end of a private key whose beginning was cut
// off (the tail of a long output), with the base64 lines before it.
var orphanKeyEnd = regexp.MustCompile(`(?m)(?:^[A-Za-z0-9+/=]+\r?\n)*-----END [A-Z ]*PRIVATE KEY-----`)

// linePrefix is what may come before NAME= at the start of a line.
var linePrefix = regexp.MustCompile(`^(?:export\s+|declare\s+-x\s+|set\s+)?$`)

// span is a part of a text to redact.
type span struct{ start, end int }

// RedactText replaces, in free text (a command's stderr, a failure
// reason), what the environment rules recognise: the value of every
// NAME=value and "name": "value" whose name looks secret (so an arm that
// prints its environment does not record GITHUB_TOKEN), and every value
// with a credential's shape (tokens, user information in URLs, key=value
// credentials, Authorization values, private keys, also the end of one
// whose beginning was cut off). Unlike LooksSecret it leaves long opaque
// tokens alone: in output they are mostly digests and commit hashes.
func RedactText(s string) string {
	var spans []span
	idx := assignment.SubexpIndex("name")
	for _, m := range assignment.FindAllStringSubmatchIndex(s, -1) {
		nameStart := m[2*idx]
		if !NameLooksSecret(s[nameStart:m[2*idx+1]]) {
			continue
		}
		start, end := m[1], len(s)
		if nl := strings.IndexByte(s[start:], '\n'); nl >= 0 {
			end = start + nl
		}
		if !linePrefix.MatchString(s[strings.LastIndexByte(s[:nameStart], '\n')+1 : nameStart]) {
			if i := strings.IndexAny(s[start:end], " \t\r'\"&;,)}"); i >= 0 {
				end = start + i
			}
		}
		spans = append(spans, span{start, end})
	}
	nameIdx, valueIdx := jsonMember.SubexpIndex("name"), jsonMember.SubexpIndex("value")
	for _, m := range jsonMember.FindAllStringSubmatchIndex(s, -1) {
		if NameLooksSecret(s[m[2*nameIdx]:m[2*nameIdx+1]]) {
			spans = append(spans, span{m[2*valueIdx], m[2*valueIdx+1]})
		}
	}
	s = replaceSpans(s, spans)
	for _, re := range valueRules {
		s = re.ReplaceAllString(s, "${keep}"+Redacted)
	}
	return orphanKeyEnd.ReplaceAllString(s, Redacted)
}

// replaceSpans replaces the non-empty spans of s (merged where they
// overlap) with Redacted.
func replaceSpans(s string, spans []span) string {
	if len(spans) == 0 {
		return s
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		if sp.end <= at || sp.start == sp.end {
			continue
		}
		b.WriteString(s[at:max(sp.start, at)])
		b.WriteString(Redacted)
		at = sp.end
	}
	b.WriteString(s[at:])
	return b.String()
}
