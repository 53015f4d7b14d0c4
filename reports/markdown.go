package reports

import (
	"fmt"
	"io"
	"strings"
)

// MaxMarkdownBytes is GitHub's limit for a job summary (1 MiB).
const MaxMarkdownBytes = 1 << 20

// Markdown writes a GitHub-flavoured report fit for $GITHUB_STEP_SUMMARY and
// PR comments: a headline per workload, a table, details folded.
func Markdown(w io.Writer, a *Analysis) error {
	var b strings.Builder
	d := a.Doc
	fmt.Fprintf(&b, "## benchy: %s\n\n", mdEscape(d.Suite.Path))
	fmt.Fprintf(&b, "Seed `%d` · order `%s` · status **%s** · %s\n\n", d.Seed, mdEscape(d.Order), mdEscape(d.Status), mdEscape(d.StopReason))
	for _, wa := range a.Workloads {
		fmt.Fprintf(&b, "### %s\n\n", mdEscape(wa.Name))
		fmt.Fprintf(&b, "**%s**\n\n", mdEscape(wa.Headline()))
		fmt.Fprintf(&b, "| arm | median | p90 | p99 | n | vs baseline (%g%% CI) | verdict |\n", 100*wa.Confidence)
		b.WriteString("|---|---:|---:|---:|---:|---:|---|\n")
		for _, arm := range wa.Arms {
			row := textRow(wa, arm, TextOptions{})
			for i := range row {
				row[i] = mdEscape(row[i])
			}
			fmt.Fprintf(&b, "| %s |\n", strings.Join(row, " | "))
		}
		fmt.Fprintf(&b, "\n%d measured block(s), %d warm-up; %s: %s\n", wa.Measured, wa.Blocks-wa.Measured, mdEscape(wa.Status), mdEscape(wa.StopReason))
		var notes []string
		for _, arm := range wa.Arms {
			if arm.Status != "ok" && arm.Reason != "" {
				notes = append(notes, fmt.Sprintf("- `%s` %s: %s", mdCode(arm.Name), mdEscape(arm.Status), mdEscape(arm.Reason)))
			}
		}
		if len(notes) > 0 {
			b.WriteString("\n" + strings.Join(notes, "\n") + "\n")
		}
		b.WriteString("\n")
	}
	env := d.Environment
	b.WriteString("<details><summary>Environment</summary>\n\n")
	fmt.Fprintf(&b, "- host: %s (%s/%s, kernel %s)\n- CPU: %s × %d\n- Go: %s\n", mdEscape(env.Host), env.OS, env.Arch, mdEscape(env.Kernel), mdEscape(env.CPUModel), env.CPUCount, env.GoVersion)
	for _, g := range env.GPUs {
		fmt.Fprintf(&b, "- GPU: %s\n", mdEscape(g))
	}
	fmt.Fprintf(&b, "- suite sha256: `%s`\n\n</details>\n", d.Suite.SHA256)
	out := b.String()
	if len(out) > MaxMarkdownBytes {
		cut := strings.LastIndex(out[:MaxMarkdownBytes-200], "\n")
		out = out[:cut] + "\n\n*(report truncated to GitHub's 1 MiB limit; the full results are in results.json)*\n"
	}
	_, err := io.WriteString(w, out)
	return err
}

var mdReplacer = strings.NewReplacer(
	"\\", "\\\\", "|", "\\|", "<", "&lt;", ">", "&gt;", "&", "&amp;",
	"*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]", "\n", " ", "\r", " ",
)

// mdEscape makes text safe inside Markdown tables and prose.
func mdEscape(s string) string { return mdReplacer.Replace(s) }

// mdCode makes text safe inside an inline code span.
func mdCode(s string) string { return strings.NewReplacer("`", "'", "\n", " ", "|", "\\|").Replace(s) }
