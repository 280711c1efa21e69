#!/usr/bin/env bash
# The docs tell the truth about each tool's options and environment, beyond t0010's check that
# --help, the man page's OPTIONS and the option table list the same option names:
#  - synopsis: every option of the man page's OPTIONS, and every one the --help Usage lines
#    name, is in its SYNOPSIS;
#  - argument: an option's argument is named alike in --help, the man page's OPTIONS and its
#    SYNOPSIS ("--db URL" in all three); where the man page lists the values (--keep
#    best|none), --help's text of that option names each;
#  - environment: the man page's ENVIRONMENT names every variable the tool reads (a getenv in
#    tools/TOOL.c, or in a function of lib/ linked into the binary, found with nm), and no other;
#  - cross-references: every "TOOL --option" in README.md, a man page or a --help text (a
#    command line of an example, or prose) names an option that TOOL has.
# Each check prints the mismatches it found; an exception needs an entry in ALLOW below.
. "$WS_ROOT/tests/cli/lib.sh"
: "${WS_BUILD:?run through tests/run.sh (make check)}"

# Justified exceptions, "TOOL:CHECK:ITEM", each with its reason.
ALLOW=(
  # gpu-monitor opens its --db study through lib/store (ws_store_open_wait), but with a wait of
  # its own, WS_MONITOR_BUSY_S, and a PostgreSQL server that does not answer is tried again at
  # the next sample, not waited for (ws_store_wait.pg_try_once), so these two are never read.
  "gpu-monitor:environment:WS_DB_BUSY_S"
  "gpu-monitor:environment:WS_DB_RETRY_S"
  # report's copy of a PostgreSQL study's samples is SQLite's temporary file, which SQLite places
  # by SQLITE_TMPDIR and TMPDIR (its own getenv, in libsqlite3): report(1) says where it goes.
  "report:environment:TMPDIR"
)

cat >check.py <<'EOF'
import glob, os, re, subprocess, sys
root, build, bindir, check, tool = sys.argv[1:6]
allow = set(sys.argv[6:])
tools = sorted(os.path.basename(p)[:-2] for p in glob.glob(root + '/tools/*.c'))
def help_text(t):
    return subprocess.run([bindir + '/' + t, '--help'], capture_output=True, text=True).stdout
def man_plain(s):   # roff to words: \- is -, fonts and quotes dropped
    s = s.replace('\\-', '-')
    s = re.sub(r'\\f(\(..|\[[^]]*\]|.)', '', s)
    return s.replace('"', '')
def man_section(t, name):
    out, on = [], False
    for line in open(f'{root}/share/man/man1/{t}.1'):
        if line.startswith('.SH'):
            on = name in line
            continue
        if on: out.append(line.rstrip('\n'))
    return out
def man_tags(t):   # the tag line after each .TP in OPTIONS
    lines, tags = man_section(t, 'OPTIONS'), []
    for i, l in enumerate(lines[:-1]):
        if l.startswith('.TP'): tags.append(re.sub(r'^\.[A-Z]+ ?', '', man_plain(lines[i + 1])))
    return tags
def pairs(text):   # (option, argument or None) of an option tag
    return [(m.group(1), m.group(2)) for m in re.finditer(r'(--[a-z][a-z0-9-]*)(?: +([^ -][^ ,;]*))?', text)]
def help_options(t):   # option -> (argument, its lines of text)
    opts, cur = {}, None
    for l in help_text(t).splitlines():
        m = re.match(r'^ {1,8}(?:-[a-zA-Z], +)?(--[a-z][a-z0-9-]*)(?: ([A-Z][A-Z_]*|[a-z0-9]+(?:\|[a-z0-9]+)+)(?=  | *$))?', l)
        if m:
            cur = m.group(1)
            opts[cur] = [m.group(2), l]
            for o in re.findall(r';  (--[a-z][a-z-]*)', l): opts[o] = [None, '']
        elif cur and re.match(r'^ {9,}', l):
            opts[cur][1] += ' ' + l
        else:
            cur = None
    return opts
bad = []
def flag(item, why):
    if f'{tool}:{check}:{item}' not in allow: bad.append(f'{tool}: {why}')

if check == 'synopsis':
    syn = set(re.findall(r'--[a-z][a-z0-9-]*', man_plain('\n'.join(man_section(tool, 'SYNOPSIS')))))
    listed = {o for tag in man_tags(tool) for o, _ in pairs(tag)} - {'--help', '--version'}
    usage = []
    for l in help_text(tool).splitlines():
        if l.startswith('Usage:') or (usage and re.match(r'^ {7}\S', l)): usage.append(l)
        elif usage: break
    used = set(re.findall(r'--[a-z][a-z0-9-]*', '\n'.join(usage)))
    for o in sorted(listed - syn): flag(o, f'{o} is in OPTIONS but not in the SYNOPSIS')
    for o in sorted(used - syn): flag(o, f'{o} is in --help\'s Usage but not in the SYNOPSIS')
elif check == 'argument':
    h = help_options(tool)
    for tag in man_tags(tool):
        for o, marg in pairs(tag):
            if o not in h: continue   # t0010 compares the option names
            harg, htext = h[o]
            if marg and re.fullmatch(r'[a-z0-9]+(\|[a-z0-9]+)+', marg) and harg and harg.isupper():
                for v in marg.split('|'):
                    if not re.search(r'(?<![\w-])' + re.escape(v) + r'(?![\w-])', htext):
                        flag(o, f'{o}: the man page lists the value {v}, its --help text does not')
            elif marg != harg:
                flag(o, f'{o}: the man page names its argument {marg or "(none)"}, --help {harg or "(none)"}')
    # the SYNOPSIS names an argument as OPTIONS does (a list of values there may be a part of them)
    mopts = dict(p for tag in man_tags(tool) for p in pairs(tag))
    syn = ' '.join(re.sub(r'^\.[A-Z]+ ?', '', man_plain(l)) for l in man_section(tool, 'SYNOPSIS'))
    for o, sarg in pairs(syn):
        sarg = (sarg or '').strip('[]')
        if sarg.isupper() and (mopts.get(o) or '').isupper() and sarg != mopts[o]:
            flag(o, f'{o}: the SYNOPSIS names its argument {sarg}, OPTIONS {mopts[o]}')
elif check == 'environment':
    def syms(path, glob_only=False):
        out = subprocess.run(['nm', '--defined-only'] + (['-g'] if glob_only else []) + [path],
                             capture_output=True, text=True).stdout
        return {f[2] for f in (l.split() for l in out.splitlines()) if len(f) == 3 and (not glob_only or f[1] == 'T')}
    have = syms(f'{bindir}/{tool}')
    if not have: bad.append(f'{tool}: nm found no symbols in {bindir}/{tool}')
    read = set()
    for f in sorted(glob.glob(root + '/lib/*/*.c') + [f'{root}/tools/{tool}.c']):
        rel, func, static = os.path.relpath(f, root), None, False
        for line in open(f, errors='replace'):
            m = re.match(r'^(static\s+)?[A-Za-z_][\w\s*]*?\b(\w+)\s*\([^;]*$', line)
            if m and not line[0] in ' \t#}/': func, static = m.group(2), bool(m.group(1))
            for v in re.findall(r'getenv\("([A-Za-z_][A-Za-z0-9_]*)"\)', line):
                # a static function may be inlined away: its file's object is linked when any of
                # the file's global functions is in the binary
                if rel.startswith('tools/') or (func in have if not static else
                                                 bool(syms(f'{build}/{rel[:-2]}.o', True) & have)):
                    read.add(v)
    env = man_section(tool, 'ENVIRONMENT')
    documented = {man_plain(env[i + 1]).split()[-1] for i, l in enumerate(env[:-1]) if l.startswith('.TP')}
    for v in sorted(read - documented): flag(v, f'reads {v}, which its man page\'s ENVIRONMENT does not name')
    for v in sorted(documented - read): flag(v, f'its man page\'s ENVIRONMENT names {v}, which it does not read')
elif check == 'xref':
    opts = {t: set(help_options(t)) for t in tools}
    docs = {'README.md': open(root + '/README.md').read()}
    for t in tools:
        docs[f'{t}.1'] = re.sub(r'^\.[A-Z]+ ?', '', man_plain(open(f'{root}/share/man/man1/{t}.1').read()), flags=re.M)
        docs[f'{t} --help'] = help_text(t)
    name = '|'.join(re.escape(t) for t in sorted(tools, key=len, reverse=True))
    n = 0
    for doc, text in docs.items():
        text = text.replace('\\\n', ' ')
        for m in re.finditer(r'(?<![\w/.-])(?:bin/)?(' + name + r')(?![\w.-])', text):
            t = m.group(1)
            if t != tool: continue
            arg = False   # after TOOL: options, each with at most one argument, up to anything else
            for tok in text[m.end():].split('\n')[0].split():
                word = tok.strip('`.,;()[]\'"')
                if re.match(r'--[a-z]', word):
                    o = re.match(r'--[a-z][a-z0-9-]*', word).group(0)
                    n += 1
                    if o not in opts[t]: flag(o, f'{doc}: "{t} {o}": {t} has no option {o}')
                    arg = '=' not in word
                    if tok[-1] in '`)': break
                elif re.fullmatch(r'-[a-zA-Z]', word):
                    arg = True
                elif arg and not re.search(r'[|;&`]', tok):
                    arg = False
                else:
                    break
    print(f'# {tool}: {n} references checked', file=sys.stderr)
if bad: print('\n'.join(bad))
sys.exit(1 if bad else 0)
EOF

for t in "$WS_BIN"/*; do
  n=$(basename "$t")
  for check in synopsis argument environment xref; do
    test_expect_success "$n: docs agree ($check)" \
      '$PY check.py "$WS_ROOT" "$WS_BUILD" "$WS_BIN" $check "$n" "${ALLOW[@]}" >&2'
  done
done

# The checker finds what it is meant to: a man page with an option missing from its SYNOPSIS,
# an argument named otherwise, an unread variable and a reference to an option no tool has.
test_expect_success "the checks catch a planted mismatch of each kind" '
  mkdir -p fake/share/man/man1 fake/tools && cp -r "$WS_ROOT/lib" "$WS_ROOT/README.md" fake/ &&
  cp "$WS_ROOT"/tools/*.c fake/tools/ && cp "$WS_ROOT"/share/man/man1/*.1 fake/share/man/man1/ &&
  m=fake/share/man/man1/tell.1 &&
  sed -i "s/^\.RB \[ \\\\-\\\\-reason$/.RB [ \\\\-\\\\-nothing/; s/^\.BI \\\\-\\\\-trial \" N\"$/.BI \\\\-\\\\-trial \" NUMBER\"/" $m &&
  sed -i "s/^\.B WS_DB_BUSY_S$/.B WS_NO_SUCH_VARIABLE/" $m &&
  echo "Run \`tell --no-such-option\`." >>fake/README.md &&
  ! $PY check.py "$PWD/fake" "$WS_BUILD" "$WS_BIN" synopsis tell 2>/dev/null >s.out &&
  grep -q "^tell: --reason is in OPTIONS but not in the SYNOPSIS" s.out &&
  ! $PY check.py "$PWD/fake" "$WS_BUILD" "$WS_BIN" argument tell >a.out &&
  grep -q "^tell: --trial: the man page names its argument NUMBER, --help N" a.out &&
  ! $PY check.py "$PWD/fake" "$WS_BUILD" "$WS_BIN" environment tell >e.out &&
  grep -q "^tell: reads WS_DB_BUSY_S, which its man page" e.out &&
  grep -q "^tell: its man page.s ENVIRONMENT names WS_NO_SUCH_VARIABLE" e.out &&
  ! $PY check.py "$PWD/fake" "$WS_BUILD" "$WS_BIN" xref tell 2>/dev/null >x.out &&
  grep -q "^tell: README.md: \"tell --no-such-option\"" x.out'
