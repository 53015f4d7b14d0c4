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
	"syscall"
	"time"

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

// Close removes the worktree and the built programs. A worktree that git
// cannot remove (half made, or locked by an interrupted `git worktree
// add`) is unregistered by deleting its folder and pruning.
func (g *gitArms) Close() error {
	if g == nil || g.dir == "" {
		return nil
	}
	var errs []error
	ctx := context.Background()
	removeErr := error(nil)
	if g.worktree != "" {
		_, removeErr = gitOutput(ctx, g.repo, "worktree", "remove", "--force", "--force", g.worktree)
	}
	if err := os.RemoveAll(g.dir); err != nil {
		errs = append(errs, err)
	}
	if removeErr != nil {
		if _, err := gitOutput(ctx, g.repo, "worktree", "prune"); err != nil {
			errs = append(errs, err)
		}
		if list, err := gitOutput(ctx, g.repo, "worktree", "list", "--porcelain"); err == nil && strings.Contains(list, "worktree "+g.worktree+"\n") {
			errs = append(errs, removeErr)
		}
	}
	return errors.Join(errs...)
}

// errInterrupted ends a base/head build that Ctrl-C stopped.
var errInterrupted = errors.New("interrupted: the base/head builds and the temporary worktree are removed")

// prepare builds the two revisions when --arm-from-git is set; it returns
// nil, nil otherwise. cwd is the directory benchy runs in (inside the git
// repository; "" for the current directory); build output goes to
// progress. Closing stop (the first Ctrl-C) stops the build in progress,
// removes what prepare made and ends it with exit status 130.
func (f gitArmFlags) prepare(ctx context.Context, stop <-chan struct{}, cwd string, progress io.Writer) (_ *gitArms, err error) {
	if f.ref == "" {
		if f.build != "" {
			return nil, withCode(exitUsage, errors.New("--git-build needs --arm-from-git REF"))
		}
		return nil, nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if stop != nil {
		go func() {
			select {
			case <-stop:
				cancel()
			case <-ctx.Done():
			}
		}()
		defer func() {
			if err != nil && isClosed(stop) {
				err = withCode(exitInterrupted, errInterrupted)
			}
		}()
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
	g, baseSrc, err := checkout(ctx, "--arm-from-git", f.ref, cwd)
	if err != nil {
		return nil, err
	}
	fail := func(code int, err error) (*gitArms, error) {
		_ = g.Close()
		return nil, withCode(code, err)
	}
	base, head, dir := g.BaseRev, g.HeadRev, g.dir
	basePath := filepath.Join(dir, "base-"+shortRev(base))
	headPath := filepath.Join(dir, "head-"+shortRev(head))
	steps := []struct{ what, dir, rev, out string }{
		{"base " + shortRev(base) + " (" + f.ref + ")", baseSrc, base, basePath},
		{"head " + shortRev(head) + " (working tree)", cwd, head, headPath},
	}
	for _, s := range steps {
		if isClosed(stop) {
			return fail(exitInterrupted, errInterrupted)
		}
		fmt.Fprintf(progress, "benchy: building %s\n", s.what)
		if err := runBuild(ctx, f.build, s.dir, s.out, s.rev, progress); err != nil {
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
	if isClosed(stop) {
		return fail(exitInterrupted, errInterrupted)
	}
	g.Vars = []string{gitArmBaseVar + "=" + basePath, gitArmHeadVar + "=" + headPath}
	return g, nil
}

// checkout resolves ref in the git repository around cwd and checks it
// out, detached, in a temporary worktree; src is cwd's counterpart in that
// checkout. flag names the option that asked for it, in errors. Close
// removes the worktree.
func checkout(ctx context.Context, flag, ref, cwd string) (g *gitArms, src string, err error) {
	top, err := gitOutput(ctx, cwd, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, "", withCode(exitUsage, fmt.Errorf("%s: %s is not in a git repository: %w", flag, cwd, err))
	}
	rel, err := gitOutput(ctx, cwd, "rev-parse", "--show-prefix")
	if err != nil {
		return nil, "", withCode(exitEnvironment, err)
	}
	base, err := gitOutput(ctx, top, "rev-parse", "--verify", "--end-of-options", ref+"^{commit}")
	if err != nil {
		return nil, "", withCode(exitUsage, fmt.Errorf("%s: %q is not a commit in %s: %w", flag, ref, top, err))
	}
	head, err := gitOutput(ctx, top, "rev-parse", "--verify", "HEAD^{commit}")
	if err != nil {
		return nil, "", withCode(exitUsage, fmt.Errorf("%s: the working tree has no HEAD commit: %w", flag, err))
	}
	if status, err := gitOutput(ctx, top, "status", "--porcelain", "--untracked-files=no"); err == nil && status != "" {
		head += "-dirty"
	}
	dir, err := os.MkdirTemp("", "benchy-git-")
	if err != nil {
		return nil, "", withCode(exitEnvironment, err)
	}
	g = &gitArms{dir: dir, repo: top, BaseRev: base, HeadRev: head}
	// A SIGKILLed `git worktree add` would leave a locked, half-made
	// worktree, so it is not cancelled: it is quick, and git cleans up
	// after a SIGINT of its own.
	wt := filepath.Join(dir, "base-src")
	g.worktree = wt
	if _, err := gitOutput(context.WithoutCancel(ctx), top, "worktree", "add", "--detach", wt, base); err != nil {
		_ = g.Close()
		return nil, "", withCode(exitEnvironment, fmt.Errorf("%s: %w", flag, err))
	}
	return g, filepath.Join(wt, rel), nil
}

// apply prepares the builds when --arm-from-git is set and returns the
// variables for the suite loader with var.base and var.head added, and a
// function that removes the builds. A --var that sets base or head as well
// is a usage error. stop is the run's first Ctrl-C (see prepare).
func (f gitArmFlags) apply(ctx context.Context, stop <-chan struct{}, vars []string, progress io.Writer) ([]string, func(), error) {
	if f.ref != "" {
		for _, v := range vars {
			name, _, _ := strings.Cut(v, "=")
			if n := strings.TrimSpace(name); n == gitArmBaseVar || n == gitArmHeadVar {
				return vars, func() {}, withCode(exitUsage, fmt.Errorf("--arm-from-git sets var.%s itself; drop --var %s", n, v))
			}
		}
	}
	g, err := f.prepare(ctx, stop, "", progress)
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

// runBuild runs the --git-build command for one revision in its own process
// group, so that cancelling ctx stops the whole build: SIGINT to the group,
// as a Ctrl-C at the terminal would send, then SIGKILL for what is left.
func runBuild(ctx context.Context, build, dir, out, rev string, progress io.Writer) error {
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", build)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), gitBuildOutEnv+"="+out, gitBuildRevEnv+"="+rev)
	cmd.Stdout, cmd.Stderr = progress, progress
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil && cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	return err
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
