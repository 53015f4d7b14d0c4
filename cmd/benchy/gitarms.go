package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
)

// Base-versus-head runs: `benchy run SUITE --arm-from-git REF --git-build CMD`
// builds REF (in a temporary git worktree) and the working tree with the
// same command, and hands the two programs to the suite as var.base and
// var.head, so that one run measures both builds in paired, interleaved
// blocks. The suite declares the two variables and uses them in its arms:
//
//	variable "base" { type = string }
//	variable "head" { type = string }
//	workload "w" {
//	  arm "base" {
//	    baseline = true
//	    exec { command = [var.base, "--flag"] }
//	  }
//	  arm "head" { exec { command = [var.head, "--flag"] } }
//	}

// gitArmVars are the suite variables --arm-from-git sets.
const (
	gitArmBaseVar = "base"
	gitArmHeadVar = "head"
	// gitBuildOutEnv names the file the build command must write.
	gitBuildOutEnv = "BENCHY_BUILD_OUT"
	// gitBuildRevEnv holds the revision being built (a commit sha, with
	// "-dirty" for a working tree with uncommitted changes).
	gitBuildRevEnv = "BENCHY_BUILD_REV"
)

// gitArmFlags are benchy run's base-versus-head flags.
type gitArmFlags struct {
	ref   string
	build string
}

// addGitArmFlags registers --arm-from-git and --git-build on fl.
func addGitArmFlags(fl *pflag.FlagSet, g *gitArmFlags) {
	fl.StringVar(&g.ref, "arm-from-git", "", "build this git revision and the working tree with --git-build, and pass them to the suite as var.base and var.head")
	fl.StringVar(&g.build, "git-build", "", "shell command that builds one revision, run in that revision's checkout; it must write the program to $"+gitBuildOutEnv)
}

// gitArms is a prepared base/head pair.
type gitArms struct {
	// Vars are NAME=VALUE settings for the suite loader.
	Vars []string
	// BaseRev and HeadRev are the built revisions.
	BaseRev, HeadRev string
	dir              string
	repo             string
	worktree         string
}

// Close removes the worktree and the built programs.
func (g *gitArms) Close() error {
	if g == nil || g.dir == "" {
		return nil
	}
	var errs []error
	if g.worktree != "" {
		if _, err := gitOutput(context.Background(), g.repo, "worktree", "remove", "--force", g.worktree); err != nil {
			errs = append(errs, err)
		}
	}
	if err := os.RemoveAll(g.dir); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// prepare builds the two revisions when --arm-from-git is set; it returns
// nil, nil otherwise. cwd is the directory benchy runs in (inside the git
// repository; "" for the current directory); build output goes to
// progress.
func (f gitArmFlags) prepare(ctx context.Context, cwd string, progress io.Writer) (*gitArms, error) {
	if f.ref == "" {
		if f.build != "" {
			return nil, withCode(exitUsage, errors.New("--git-build needs --arm-from-git REF"))
		}
		return nil, nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if cwd == "" {
		var err error
		if cwd, err = os.Getwd(); err != nil {
			return nil, withCode(exitEnvironment, err)
		}
	}
	if strings.TrimSpace(f.build) == "" {
		return nil, withCode(exitUsage, errors.New(`--arm-from-git needs --git-build "CMD", the command that builds one revision and writes it to $`+gitBuildOutEnv))
	}
	top, err := gitOutput(ctx, cwd, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, withCode(exitUsage, fmt.Errorf("--arm-from-git: %s is not in a git repository: %w", cwd, err))
	}
	rel, err := gitOutput(ctx, cwd, "rev-parse", "--show-prefix")
	if err != nil {
		return nil, withCode(exitEnvironment, err)
	}
	base, err := gitOutput(ctx, top, "rev-parse", "--verify", "--end-of-options", f.ref+"^{commit}")
	if err != nil {
		return nil, withCode(exitUsage, fmt.Errorf("--arm-from-git: %q is not a commit in %s: %w", f.ref, top, err))
	}
	head, err := gitOutput(ctx, top, "rev-parse", "--verify", "HEAD^{commit}")
	if err != nil {
		return nil, withCode(exitUsage, fmt.Errorf("--arm-from-git: the working tree has no HEAD commit: %w", err))
	}
	if status, err := gitOutput(ctx, top, "status", "--porcelain", "--untracked-files=no"); err == nil && status != "" {
		head += "-dirty"
	}
	dir, err := os.MkdirTemp("", "benchy-git-")
	if err != nil {
		return nil, withCode(exitEnvironment, err)
	}
	g := &gitArms{dir: dir, repo: top, BaseRev: base, HeadRev: head}
	fail := func(code int, err error) (*gitArms, error) {
		_ = g.Close()
		return nil, withCode(code, err)
	}
	wt := filepath.Join(dir, "base-src")
	if _, err := gitOutput(ctx, top, "worktree", "add", "--detach", wt, base); err != nil {
		return fail(exitEnvironment, fmt.Errorf("--arm-from-git: %w", err))
	}
	g.worktree = wt
	basePath := filepath.Join(dir, "base-"+shortRev(base))
	headPath := filepath.Join(dir, "head-"+shortRev(head))
	steps := []struct{ what, dir, rev, out string }{
		{"base " + shortRev(base) + " (" + f.ref + ")", filepath.Join(wt, rel), base, basePath},
		{"head " + shortRev(head) + " (working tree)", cwd, head, headPath},
	}
	for _, s := range steps {
		fmt.Fprintf(progress, "benchy: building %s\n", s.what)
		cmd := exec.CommandContext(ctx, "/bin/sh", "-c", f.build)
		cmd.Dir = s.dir
		cmd.Env = append(os.Environ(), gitBuildOutEnv+"="+s.out, gitBuildRevEnv+"="+s.rev)
		cmd.Stdout, cmd.Stderr = progress, progress
		if err := cmd.Run(); err != nil {
			return fail(exitEnvironment, fmt.Errorf("--git-build failed for %s: %w", s.what, err))
		}
		st, err := os.Stat(s.out)
		if err != nil || st.IsDir() {
			return fail(exitEnvironment, fmt.Errorf("--git-build for %s did not write a program to $%s (%s)", s.what, gitBuildOutEnv, s.out))
		}
		if st.Mode()&0o111 == 0 {
			return fail(exitEnvironment, fmt.Errorf("--git-build for %s wrote %s, but it is not executable", s.what, s.out))
		}
	}
	g.Vars = []string{gitArmBaseVar + "=" + basePath, gitArmHeadVar + "=" + headPath}
	return g, nil
}

// apply prepares the builds when --arm-from-git is set and returns the
// variables for the suite loader with var.base and var.head added, and a
// function that removes the builds. A --var that sets base or head as well
// is a usage error.
func (f gitArmFlags) apply(ctx context.Context, vars []string, progress io.Writer) ([]string, func(), error) {
	if f.ref != "" {
		for _, v := range vars {
			name, _, _ := strings.Cut(v, "=")
			if n := strings.TrimSpace(name); n == gitArmBaseVar || n == gitArmHeadVar {
				return vars, func() {}, withCode(exitUsage, fmt.Errorf("--arm-from-git sets var.%s itself; drop --var %s", n, v))
			}
		}
	}
	g, err := f.prepare(ctx, "", progress)
	if err != nil || g == nil {
		return vars, func() {}, err
	}
	fmt.Fprintf(progress, "benchy: var.%s = base %s, var.%s = head %s\n", gitArmBaseVar, shortRev(g.BaseRev), gitArmHeadVar, shortRev(g.HeadRev))
	done := func() {
		if err := g.Close(); err != nil {
			fmt.Fprintf(progress, "benchy: removing the base/head builds: %v\n", err)
		}
	}
	return append(append([]string(nil), g.Vars...), vars...), done, nil
}

func shortRev(rev string) string {
	sha, dirty, _ := strings.Cut(rev, "-")
	if len(sha) > 12 {
		sha = sha[:12]
	}
	if dirty != "" {
		return sha + "-" + dirty
	}
	return sha
}

// gitOutput runs git in dir and returns its trimmed standard output.
func gitOutput(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
		}
		return "", fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
	}
	return strings.TrimSpace(out.String()), nil
}
