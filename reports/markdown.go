package reports

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/benchy-dev/benchy/internal/termtext"
	"github.com/benchy-dev/benchy/metric"
)

// maxMarkdownBytes is GitHub's limit for a job summary (1 MiB).
const maxMarkdownBytes = 1 << 20

// maxCommentBytes is GitHub's limit for a pull-request comment body.
const maxCommentBytes = 65536

// markdownReport writes a GitHub-flavoured report fit for
// $GITHUB_STEP_SUMMARY and PR comments (at most opt.MaxBytes, else
// maxMarkdownBytes): a one-line headline verdict, a table per workload
// instance, and the details folded in <details>.
func markdownReport(w io.Writer, a *Analysis, opt Options) error {
	limit := opt.MaxBytes
	if limit <= 0 {
		limit = maxMarkdownBytes
	}
	d := a.Doc
	var head strings.Builder
	fmt.Fprintf(&head, "## benchy: %s\n\n", mdEscape(d.Suite.Path))
	fmt.Fprintf(&head, "**%s**\n\n", mdEscape(a.Headline()))
	fmt.Fprintf(&head, "Seed `%d` · order `%s` · status **%s** · %s · machine `%s` (%s)\n\n",
		d.Seed, mdCode(d.Order), mdEscape(a.Status()), mdEscape(d.StopReason), a.Fingerprint, mdEscape(machineLine(d.Environment)))
	if len(a.Workloads) > 0 {
		fmt.Fprintf(&head, "*%s*\n\n", mdEscape(statisticsLegend))
	}

	workloads := make([]string, len(a.Workloads))
	blocks := make([]string, len(a.Workloads))
	for i, wa := range a.Workloads {
		workloads[i] = mdWorkload(wa)
		blocks[i] = mdBlocks(wa)
	}
	env := mdEnvironment(a)
	source := mdSource(a)

	// Drop optional parts, least useful first, until the report fits.
	const noteBudget = 300
	size := func(withBlocks, withSource, withEnv bool, nw int) int {
		n := head.Len() + noteBudget
		for i := range nw {
			n += len(workloads[i])
			if withBlocks {
				n += len(blocks[i])
			}
		}
		if withSource {
			n += len(source)
		}
		if withEnv {
			n += len(env)
		}
		return n
	}
	withBlocks, withSource, withEnv, nw := true, true, true, len(workloads)
	var dropped []string
	if size(withBlocks, withSource, withEnv, nw) > limit {
		withBlocks = false
		dropped = append(dropped, "per-block values")
	}
	if size(withBlocks, withSource, withEnv, nw) > limit {
		withSource = false
		dropped = append(dropped, "suite source")
	}
	if size(withBlocks, withSource, withEnv, nw) > limit {
		withEnv = false
		dropped = append(dropped, "environment")
	}
	for nw > 0 && size(withBlocks, withSource, withEnv, nw) > limit {
		nw--
	}
	if nw < len(workloads) {
		dropped = append(dropped, fmt.Sprintf("%d of %d workload instances", len(workloads)-nw, len(workloads)))
	}

	var b strings.Builder
	b.WriteString(head.String())
	for i := range nw {
		b.WriteString(workloads[i])
		if withBlocks {
			b.WriteString(blocks[i])
		}
		b.WriteString("\n")
	}
	if withEnv {
		b.WriteString(env)
	}
	if withSource {
		b.WriteString(source)
	}
	if len(dropped) > 0 {
		fmt.Fprintf(&b, "\n*Left out to stay within %d bytes: %s. `benchy report results.json` renders everything.*\n", limit, strings.Join(dropped, ", "))
	}
	_, err := io.WriteString(w, truncateMarkdown(b.String(), limit, truncatedNote))
	return err
}

// truncatedNote ends a run report that had to be cut.
const truncatedNote = "\n\n*(report truncated)*\n"

// truncateMarkdown returns md when it fits in limit bytes; else its
// longest prefix that ends a line and leaves room for note, then the note.
// A run report gets here only with a header larger than the limit (a long
// suite path, or a limit of a few hundred bytes), a fleet report with more
// instances than GitHub's limit holds. A limit too small even for the note
// gets the first limit bytes, cut at a character boundary.
func truncateMarkdown(md string, limit int, note string) string {
	if len(md) <= limit {
		return md
	}
	if keep := limit - len(note); keep > 0 {
		if cut := strings.LastIndex(md[:keep], "\n"); cut > 0 {
			return md[:cut] + note
		}
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(md[cut]) {
		cut--
	}
	return md[:cut]
}

func mdWorkload(wa *WorkloadAnalysis) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n", mdEscape(wa.Name))
	fmt.Fprintf(&b, "%s · %s is better\n\n", mdEscape(metric.Title(wa.Metric)), wa.Better.Word())
	energy, telem := wa.HasEnergy(), wa.HasTelemetry()
	ph := publishedHeaders(wa)
	pub, pubSep := "", ""
	for _, h := range ph {
		pub += " " + h + " |"
		pubSep += "---:|"
	}
	fmt.Fprintf(&b, "| arm | geomean |%s median | p90 | p99 | n | vs baseline (%g%% CI) | verdict |", pub, 100*wa.Confidence)
	sep := "|---|---:|" + pubSep + "---:|---:|---:|---:|---:|---|"
	if energy {
		b.WriteString(" energy/iter | energy vs baseline |")
		sep += "---:|---:|"
	}
	if telem {
		b.WriteString(" throttled blocks |")
		sep += "---:|"
	}
	b.WriteString("\n" + sep + "\n")
	for _, arm := range wa.Arms {
		row := textRow(wa, arm, Options{})
		for i := range row {
			row[i] = mdEscape(row[i])
		}
		row[0] = "`" + mdCode(arm.Name) + "`"
		if arm.Baseline {
			row[0] += " (baseline)"
		}
		if arm.Summary.N > 0 && !arm.failed() {
			row[len(row)-1] = verdictWithFactor(wa, arm, mdVerdict(arm.Verdict))
		}
		cells := publishedCells(wa, arm)
		for i := range cells {
			cells[i] = mdEscape(cells[i])
		}
		row = besideGeomean(row, cells)
		if energy {
			for _, c := range energyCells(arm) {
				row = append(row, mdEscape(c))
			}
		}
		if telem {
			row = append(row, throttleCell(arm))
		}
		fmt.Fprintf(&b, "| %s |\n", strings.Join(row, " | "))
	}
	fmt.Fprintf(&b, "\n%s; %s: %s\n", wa.BlockCounts(), mdEscape(wa.Status), mdEscape(wa.StopReason))
	if p := wa.Published; p != nil {
		source := mdEscape(p.Source)
		if u := publishedURL(p); u != "" {
			source = "[" + source + "](" + mdURL.Replace(u) + ")"
		}
		if p.Claim == "" {
			fmt.Fprintf(&b, "\nPublished (%s)\n", source)
		} else {
			fmt.Fprintf(&b, "\nPublished (%s): %s\n", source, mdEscape(p.Claim))
		}
	}
	if notes := armNotes(wa); len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			fmt.Fprintf(&b, "- %s\n", mdEscape(n))
		}
	}
	return b.String()
}

func mdVerdict(v metric.Verdict) string {
	switch v {
	case metric.Faster, metric.Better:
		return "**" + string(v) + "**"
	case metric.Slower, metric.Worse:
		return "**" + string(v) + "** ⚠️"
	}
	return mdEscape(string(v))
}

// mdBlocks folds the per-block values of every arm into a table.
func mdBlocks(wa *WorkloadAnalysis) string {
	w := wa.Source
	if w == nil || len(w.Blocks) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n<details><summary>Per-block values</summary>\n\n| block | order |")
	sep := "|---:|---|"
	for _, arm := range w.Arms {
		fmt.Fprintf(&b, " `%s` |", mdCode(arm.Name))
		sep += "---:|"
	}
	b.WriteString("\n" + sep + "\n")
	for _, blk := range w.Blocks {
		label := fmt.Sprint(blk.Index)
		switch {
		case blk.Warmup:
			label += " (warm-up)"
		case blk.Incomplete:
			label += " (incomplete)"
		}
		order := make([]string, len(blk.Order))
		for i, o := range blk.Order {
			order[i] = mdEscape(o)
		}
		fmt.Fprintf(&b, "| %s | %s |", label, strings.Join(order, " → "))
		for _, arm := range w.Arms {
			cell := ""
			if r, ok := blk.Run(arm.Name); ok {
				if v, ok := blk.Value(arm.Name); ok {
					cell = FormatValue(v, wa.Metric)
					if t, ok := telemetryOf(r.Telemetry); ok && t.Throttled {
						cell += " (throttled)"
					}
				} else if r.Error != "" {
					cell = "failed"
				}
			}
			fmt.Fprintf(&b, " %s |", mdEscape(cell))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n</details>\n")
	return b.String()
}

func mdEnvironment(a *Analysis) string {
	d := a.Doc
	env := d.Environment
	var b strings.Builder
	b.WriteString("<details><summary>Environment</summary>\n\n")
	fmt.Fprintf(&b, "- host: %s (%s/%s, kernel %s)\n- CPU: %s × %d\n- Go: %s\n", mdEscape(env.Host), mdEscape(env.OS), mdEscape(env.Arch),
		mdEscape(env.Kernel), mdEscape(env.CPUModel), env.CPUCount, mdEscape(env.GoVersion))
	if len(env.GPUs) == 0 {
		b.WriteString("- GPU: none detected\n")
	}
	for _, g := range env.GPUs {
		fmt.Fprintf(&b, "- GPU: %s\n", mdEscape(g))
	}
	fmt.Fprintf(&b, "- benchy: %s\n- fingerprint: `%s`\n", mdEscape(d.Benchy), a.Fingerprint)
	if !d.Started.IsZero() {
		fmt.Fprintf(&b, "- started: %s", d.Started.UTC().Format("2006-01-02 15:04:05 UTC"))
		if !d.Finished.IsZero() {
			fmt.Fprintf(&b, " (ran %s)", d.Finished.Sub(d.Started).Round(100_000_000))
		}
		b.WriteString("\n")
	}
	for _, v := range d.Variables {
		fmt.Fprintf(&b, "- var `%s` = `%s` (%s)\n", mdCode(v.Name), mdCode(string(v.Value)), mdEscape(v.Source))
	}
	b.WriteString("\n</details>\n")
	return b.String()
}

func mdSource(a *Analysis) string {
	d := a.Doc
	if d.Suite.Source == "" {
		return ""
	}
	fence := strings.Repeat("`", max(3, longestRun(d.Suite.Source, '`')+1))
	src := termtext.EscapeLines(d.Suite.Source)
	if !strings.HasSuffix(src, "\n") {
		src += "\n"
	}
	return fmt.Sprintf("<details><summary>Suite source (sha256 %s)</summary>\n\n%shcl\n%s%s\n\n</details>\n",
		mdEscape(shortHash(d.Suite.SHA256)), fence, src, fence)
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

var mdReplacer = strings.NewReplacer(
	"\\", "\\\\", "|", "\\|", "<", "&lt;", ">", "&gt;", "&", "&amp;",
	"*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]", "\n", " ", "\r", " ",
)

// mdEscape makes text safe inside Markdown tables and prose, and on a
// terminal that shows the Markdown: a line break is a space, any other
// control character an escape (termtext).
func mdEscape(s string) string { return mdReplacer.Replace(termtext.EscapeLines(s)) }

// mdCode makes text safe inside an inline code span, as mdEscape does.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "\n", " ", "|", "\\|").Replace(termtext.EscapeLines(s))
}
