"""Translate a coroscope-scenario/1 file into a Python 3.11 asyncio program.

    python3 scenario2py.py SCENARIO.json [-o PROGRAM.py]

The program is plain asyncio: coroutines become `async def`, awaitables
classes with an `__await__` generator, queues asyncio.Queue objects, main
module-level code. It imports vclock (this directory; put it on PYTHONPATH),
which runs it under the virtual clock and prints the coroscope-outcome/1 JSON.
Each scenario statement is preceded by `step()`, which counts it for
`max_steps`; compound statements (if, repeat, try) get `step()` on a line of
their own. Each coroutine and `__await__` body starts with `frame_depth = enter()`,
which raises RecursionError when the stack holds more than `max_depth` of
the scenario's own frames (the format's limit, see vclock.enter).
"""
import ast
import io
import json
import keyword
import re
import sys
import tokenize

# exception names Python has built in, and those asyncio defines
PY_EXCEPTIONS = {
    "BaseException", "Exception", "KeyboardInterrupt", "SystemExit",
    "GeneratorExit", "ArithmeticError", "ZeroDivisionError", "OverflowError",
    "LookupError", "KeyError", "IndexError", "RuntimeError", "RecursionError",
    "ValueError", "TypeError", "NameError", "UnboundLocalError",
    "AttributeError", "StopIteration", "TimeoutError", "MemoryError",
}
ASYNCIO_EXCEPTIONS = {"CancelledError", "QueueFull", "QueueEmpty",
                      "InvalidStateError"}

CO, AW, MAIN = "coroutine", "awaitable", "main"
ANYWHERE = {CO, AW, MAIN}

# verb -> (modifiers allowed besides the verb, where it may appear)
VERBS = {
    "print": ((), ANYWHERE),
    "set": (("value",), ANYWHERE),
    "sleep": ((), {CO}),
    "block": ((), ANYWHERE),
    "await": (("as",), {CO}),
    "yield": (("as",), {AW}),
    "return": ((), {CO, AW}),
    "raise": (("message",), ANYWHERE),
    "try": (("except", "finally"), ANYWHERE),
    "if": (("then", "else"), ANYWHERE),
    "repeat": (("var", "body"), ANYWHERE),
    "break": ((), ANYWHERE),
    "create_task": (("as",), ANYWHERE),
    "cancel": ((), ANYWHERE),
    "call": (("args",), ANYWHERE),
    "stop_loop": ((), ANYWHERE),
    "queue_put_nowait": (("value",), ANYWHERE),
    "queue_get_nowait": (("as",), ANYWHERE),
    "run_until_complete": (("as",), {MAIN}),
    "run_forever": ((), {MAIN}),
    "asyncio_run": (("as",), {MAIN}),
    "new_loop": ((), {MAIN}),
    "task_result": (("as",), {MAIN}),
    "task_exception": (("as",), {MAIN}),
    "coroutine": (("as",), {MAIN}),
    "send": (("value", "as"), {MAIN}),
    "drive": (("policy", "seed", "as"), {MAIN}),
}
TARGET_KINDS = ("call", "awaitable", "task", "sleep", "gather", "queue_get",
                "queue_put")
TOP_KEYS = {"format", "name", "title", "description", "source", "coroutines",
            "awaitables", "queues", "main", "limits", "expect"}
DRIVE_POLICIES = ("in_order", "round_robin", "random")

# names the program itself uses; renamed when the scenario uses them too
HELPERS = ("asyncio", "random", "time", "vclock", "step", "enter", "frame_depth", "track",
           "clock_now", "current_task_name", "drive_in_order",
           "drive_round_robin", "drive_random", "module_globals")

# builtins the program calls by name: a scenario may not rebind them
RESERVED = {"print", "range", "str", "format", "self"}

ALLOWED_NODES = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp,
                 ast.Not, ast.USub, ast.BinOp, ast.Add, ast.Sub, ast.Mult,
                 ast.Div, ast.FloorDiv, ast.Mod, ast.Compare, ast.Eq,
                 ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Attribute,
                 ast.Subscript, ast.Constant, ast.Name, ast.List, ast.Load)

DRIVE_HELPERS = {
    "in_order": '''
def {name}(coros):
    """drive, in_order: send None to each coroutine in turn until it returns."""
    results = []
    for coro in coros:
        while True:
            try:
                coro.send(None)
            except StopIteration as stop:
                results.append(stop.value)
                break
    return results
''',
    "round_robin": '''
def {name}(coros):
    """drive, round_robin: one send to each live coroutine, in list order."""
    results = []
    live = list(coros)
    while live:
        for coro in list(live):
            try:
                coro.send(None)
            except StopIteration as stop:
                results.append(stop.value)
                live.remove(coro)
    return results
''',
    "random": '''
def {name}(coros, seed):
    """drive, random: random.choice(live) gets one send until all returned."""
    {random}.seed(seed)
    results = []
    live = list(coros)
    while live:
        coro = {random}.choice(live)
        try:
            coro.send(None)
        except StopIteration as stop:
            results.append(stop.value)
            live.remove(coro)
    return results
''',
}


class ScenarioError(Exception):
    """The scenario cannot be translated (invalid for the format)."""


class Scope:
    """Where a body is being translated: function kind and bound names."""

    def __init__(self, kind, local, globals_, in_loop=False):
        self.kind = kind
        self.local = local          # names bound in this function
        self.globals = globals_     # names bound by main, and the queues
        self.in_loop = in_loop

    def loop(self):
        """The same scope, inside a repeat."""
        return Scope(self.kind, self.local, self.globals, True)


def verb_of(stmt, where):
    """The verb key of a statement; checks its other keys."""
    if not isinstance(stmt, dict):
        raise ScenarioError(f"{where}: a statement must be an object")
    keys = [k for k in stmt if not k.startswith("_") and k != "line"]
    verbs = [k for k in keys if k in VERBS]
    if len(verbs) != 1:
        raise ScenarioError(f"{where}: a statement needs exactly one verb, "
                            f"got {sorted(keys)}")
    verb = verbs[0]
    allowed = set(VERBS[verb][0]) | {verb}
    extra = [k for k in keys if k not in allowed]
    if extra:
        raise ScenarioError(f"{where}: unknown key(s) {extra} for '{verb}'")
    return verb


def sub_blocks(stmt, verb):
    """The statement lists nested in a statement (for the name walk)."""
    if verb == "try":
        yield stmt["try"]
        for handler in stmt.get("except", []):
            yield handler.get("body", [])
        yield stmt.get("finally", [])
    elif verb == "if":
        yield stmt.get("then", [])
        yield stmt.get("else", [])
    elif verb == "repeat":
        yield stmt.get("body", [])


def walk(block, where="main"):
    """Every statement of a block, nested ones included, with its verb."""
    if not isinstance(block, list):
        raise ScenarioError(f"{where}: a body must be a list of statements")
    for i, stmt in enumerate(block):
        here = f"{where}[{i}]"
        verb = verb_of(stmt, here)
        yield stmt, verb
        for sub in sub_blocks(stmt, verb):
            yield from walk(sub, here + "." + verb)


def bound_names(block, params=()):
    """Names a body binds: params, set, as, repeat var, except as."""
    names = set(params)
    for stmt, verb in walk(block):
        if verb == "set":
            names.add(stmt["set"])
        if stmt.get("as"):
            names.add(stmt["as"])
        if verb == "repeat" and stmt.get("var"):
            names.add(stmt["var"])
        for handler in stmt.get("except", []) if verb == "try" else []:
            if handler.get("as"):
                names.add(handler["as"])
    return names


def expr_names(text):
    """NAME tokens of an expression (an over-approximation is fine)."""
    return set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text))


def used_names(node):
    """Names used by the expressions and print fields anywhere in `node`."""
    names = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "print" and isinstance(value, str):
                try:
                    fields = [p[0] for p in split_template(value)
                              if isinstance(p, tuple)]
                except ScenarioError:
                    fields = []
                names.update(*map(expr_names, fields))
            else:
                names |= used_names(value)
    elif isinstance(node, list):
        for item in node:
            names |= used_names(item)
    elif isinstance(node, str) and node.startswith("="):
        names |= expr_names(node[1:])
    return names


def split_template(text):
    """Parse a print template into literal strings and (expr, spec) fields."""
    parts, lit, i = [], "", 0
    while i < len(text):
        c = text[i]
        if text.startswith("{{", i) or text.startswith("}}", i):
            lit += c
            i += 2
        elif c == "}":
            raise ScenarioError(f"single '}}' in template {text!r}")
        elif c == "{":
            j = field_end(text, i + 1)
            if lit:
                parts.append(lit)
                lit = ""
            parts.append(split_spec(text[i + 1:j], text))
            i = j + 1
        else:
            lit += c
            i += 1
    if lit:
        parts.append(lit)
    return parts


def field_end(text, i):
    """Index of the '}' closing a template field starting at i."""
    quote = None
    while i < len(text):
        c = text[i]
        if quote and c == "\\":
            i += 1              # an escape inside a string literal: \' does not end it
        elif quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "}":
            return i
        i += 1
    raise ScenarioError(f"unclosed '{{' in template {text!r}")


def split_spec(field, text):
    """Split 'expr:.Nf' into (expr, '.Nf'); the spec is '' for str()."""
    quote, colon = None, -1
    for k, c in enumerate(field):
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == ":":
            colon = k
    if colon < 0:
        return (field, "")
    spec = field[colon + 1:]
    if not re.fullmatch(r"\.\d+f", spec):
        raise ScenarioError(f"format spec {spec!r} in {text!r}: only .Nf")
    return (field[:colon], spec)


def escape_literal(text, quote):
    """A literal piece of a Python string quoted with `quote`, as source."""
    out = []
    for c in text:
        if c == "\\" or c == quote:
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif not c.isprintable():
            out.append(repr(c)[1:-1])
        else:
            out.append(c)
    return "".join(out)


class Translator:
    """Builds the Python program of one scenario."""

    def __init__(self, scenario, path="scenario.json"):
        self.sc = scenario
        self.path = path
        self.validate_top()
        self.coroutines = scenario.get("coroutines", {})
        self.awaitables = scenario.get("awaitables", {})
        self.queues = scenario.get("queues", {})
        self.main_globals = bound_names(scenario["main"]) | set(self.queues)
        self.alias = self.helper_aliases()
        self.exc_classes = []
        self.policies = []
        self.uses_time = False

    # ---- checks and names -------------------------------------------------

    def validate_top(self):
        """Top-level keys, format, required fields."""
        sc = self.sc
        if not isinstance(sc, dict):
            raise ScenarioError("a scenario is a JSON object")
        extra = [k for k in sc if k not in TOP_KEYS and not k.startswith("_")]
        if extra:
            raise ScenarioError(f"unknown top-level key(s) {extra}")
        if sc.get("format") != "coroscope-scenario/1":
            raise ScenarioError("format must be 'coroscope-scenario/1'")
        for key in ("name", "main"):
            if key not in sc:
                raise ScenarioError(f"missing '{key}'")
        for key in sc.get("limits", {}):
            if key not in ("max_steps", "max_time", "max_depth") \
                    and not key.startswith("_"):
                raise ScenarioError(f"unknown limit '{key}'")

    def scenario_names(self):
        """Every identifier the scenario may use (over-approximated)."""
        names = set(self.coroutines) | set(self.awaitables) | set(self.queues)
        bodies = [d.get("body", []) for d in self.coroutines.values()]
        bodies += [d.get("body", []) for d in self.awaitables.values()]
        bodies.append(self.sc["main"])
        for fdef in list(self.coroutines.values()) + list(self.awaitables.values()):
            names |= set(fdef.get("params", []))
        for body in bodies:
            names |= bound_names(body)
            names |= used_names(body)
        return names

    def helper_aliases(self):
        """Helper name -> the name the program uses (renamed on clashes)."""
        taken = self.scenario_names()
        alias = {}
        for name in HELPERS:
            new = name
            while new in taken:
                new += "_"
            alias[name] = new
        return alias

    def ident(self, name, what):
        """Check that a scenario name is a usable Python identifier."""
        if not isinstance(name, str) or not name.isidentifier() \
                or keyword.iskeyword(name):
            raise ScenarioError(f"{what} {name!r} is not a valid name")
        if name in RESERVED:
            raise ScenarioError(f"{what} {name!r}: the translation needs "
                                f"Python's {name!r}")
        return name

    def exc_type(self, name):
        """Python spelling of an exception type named by the scenario."""
        self.ident(name, "exception type")
        if name in PY_EXCEPTIONS:
            return name
        if name in ASYNCIO_EXCEPTIONS:
            return f"{self.alias['asyncio']}.{name}"
        if name not in self.exc_classes:
            self.exc_classes.append(name)
        return name

    # ---- values and expressions -------------------------------------------

    def value(self, v, scope):
        """Python source of a scenario value ('=...' strings are expressions)."""
        if isinstance(v, str) and v.startswith("="):
            return self.expr(v[1:], scope)
        if isinstance(v, list):
            return "[" + ", ".join(self.value(x, scope) for x in v) + "]"
        if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
            raise ScenarioError(f"non-finite number {v}")
        if v is None or isinstance(v, (bool, int, float, str)):
            return repr(v)
        raise ScenarioError(f"not a value: {v!r}")

    def expr(self, text, scope):
        """Python source of an expression: checked against the format's
        grammar, with the builtins `now` and `task_name` made calls."""
        text = text.strip()
        if "\n" in text or "\r" in text:
            raise ScenarioError(f"line break in expression {text!r}")
        try:
            tree = ast.parse(text, mode="eval")
        except SyntaxError as exc:
            raise ScenarioError(f"bad expression {text!r}: {exc.msg}") from None
        for node in ast.walk(tree):
            if not isinstance(node, ALLOWED_NODES):
                raise ScenarioError(f"expression {text!r}: "
                                    f"{type(node).__name__} is not allowed")
            if isinstance(node, ast.Compare) and len(node.ops) > 1:
                raise ScenarioError(f"expression {text!r}: chained comparison")
            if isinstance(node, ast.Constant) and not (
                    node.value is None or isinstance(node.value, (bool, int, float, str))):
                raise ScenarioError(f"expression {text!r}: bad constant")
            if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
                raise ScenarioError(f"expression {text!r}: slices not allowed")
        return self.rewrite_builtins(text, scope)

    def builtin_read(self, name, scope, call):
        """Python source reading the builtin `now` or `task_name`: a local
        of a coroutine is a plain variable (Python's rule), a global that
        main binds shadows the builtin only once it is bound, as a global
        shadows a builtin in Python."""
        if scope.kind != MAIN and name in scope.local:
            return name
        if name in scope.globals:
            return f"({name} if {name!r} in {self.alias['module_globals']} else {call})"
        return call

    def rewrite_builtins(self, text, scope):
        """Replace the names `now` / `task_name` by calls, unless bound."""
        calls = {"now": self.alias["clock_now"] + "()",
                 "task_name": self.alias["current_task_name"] + "()"}
        out, last, prev = [], 0, None
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.NAME and tok.string in calls and prev != ".":
                start, end = tok.start[1], tok.end[1]
                out.append(text[last:start]
                           + self.builtin_read(tok.string, scope, calls[tok.string]))
                last = end
            if tok.type not in (tokenize.NEWLINE, tokenize.ENDMARKER):
                prev = tok.string
        out.append(text[last:])
        return "".join(out)

    def template(self, text, scope):
        """Python source of a print template: an f-string when possible."""
        if not isinstance(text, str):
            raise ScenarioError(f"print takes a template string, got {text!r}")
        parts = [p if isinstance(p, str) else (self.expr(p[0], scope), p[1])
                 for p in split_template(text)]
        fields = [p[0] for p in parts if isinstance(p, tuple)]
        for quote in ('"', "'"):
            if all(quote not in f and not set("\\#{}") & set(f) for f in fields):
                return self.fstring(parts, quote)
        return self.concatenation(parts)

    def fstring(self, parts, quote):
        """f-string source for template parts."""
        body = []
        for part in parts:
            if isinstance(part, str):
                lit = escape_literal(part, quote)
                body.append(lit.replace("{", "{{").replace("}", "}}"))
            else:
                code, spec = part
                body.append("{" + code + (":" + spec if spec else "") + "}")
        if any(isinstance(p, tuple) for p in parts):
            return "f" + quote + "".join(body) + quote
        return quote + "".join(escape_literal(p, quote) for p in parts) + quote

    def concatenation(self, parts):
        """Fallback for fields an f-string cannot hold: str() / format()."""
        pieces = []
        for part in parts:
            if isinstance(part, str):
                pieces.append(repr(part))
            elif part[1]:
                pieces.append(f"format({part[0]}, {part[1]!r})")
            else:
                pieces.append(f"str({part[0]})")
        return " + ".join(pieces) if pieces else "''"

    # ---- calls and awaitables ---------------------------------------------

    def call(self, c, scope, where):
        """Python source of a CALL: a coroutine object or awaitable instance."""
        if not isinstance(c, dict):
            raise ScenarioError(f"{where}: a call must be an object")
        extra = [k for k in c if k not in ("call", "awaitable", "args", "line")
                 and not k.startswith("_")]
        if extra or ("call" in c) == ("awaitable" in c):
            raise ScenarioError(f"{where}: a call is {{'call' or 'awaitable', "
                                f"'args'}}, got {sorted(c)}")
        name = c.get("call", c.get("awaitable"))
        table = self.coroutines if "call" in c else self.awaitables
        if name not in table:
            kind = "coroutine" if "call" in c else "awaitable"
            raise ScenarioError(f"{where}: no {kind} named {name!r}")
        args = c.get("args", [])
        if not isinstance(args, list):
            raise ScenarioError(f"{where}: args must be a list")
        return f"{name}({', '.join(self.value(a, scope) for a in args)})"

    def target(self, t, scope, where):
        """Python source of a TARGET (what await / run_until_complete take)."""
        if not isinstance(t, dict):
            raise ScenarioError(f"{where}: a target must be an object")
        kinds = [k for k in TARGET_KINDS if k in t]
        if len(kinds) != 1:
            raise ScenarioError(f"{where}: a target needs one of {TARGET_KINDS}")
        kind = kinds[0]
        allowed = {"call": {"args"}, "awaitable": {"args"}, "gather":
                   {"return_exceptions"}, "queue_put": {"value"}}.get(kind, set())
        extra = [k for k in t if k != kind and k not in allowed and k != "line"
                 and not k.startswith("_")]
        if extra:
            raise ScenarioError(f"{where}: unknown key(s) {extra} in target")
        aio = self.alias["asyncio"]
        if kind in ("call", "awaitable"):
            return self.call(t, scope, where)
        if kind == "task":
            return self.ident(t["task"], "task variable")
        if kind == "sleep":
            return f"{aio}.sleep({self.value(t['sleep'], scope)})"
        if kind == "gather":
            items = [self.target(x, scope, where + ".gather") for x in t["gather"]]
            if t.get("return_exceptions"):
                items.append("return_exceptions=True")
            return f"{aio}.gather({', '.join(items)})"
        queue = self.queue(t[kind], scope, where)
        if kind == "queue_get":
            return f"{queue}.get()"
        return f"{queue}.put({self.value(t.get('value'), scope)})"

    def queue(self, name, scope, where):
        """The variable a queue statement names: a queue's own name, or any
        name bound where it runs (Python looks it up for q.put(...))."""
        if name not in self.queues and name not in scope.local \
                and name not in scope.globals:
            raise ScenarioError(f"{where}: no queue or variable named {name!r}")
        return self.ident(name, "queue")

    # ---- statements --------------------------------------------------------

    def block(self, stmts, scope, depth, where):
        """Source lines of a statement list (at least `pass`)."""
        lines = []
        for i, stmt in enumerate(stmts):
            lines += self.statement(stmt, scope, depth, f"{where}[{i}]")
        return lines or ["    " * depth + "pass"]

    def statement(self, stmt, scope, depth, where):
        """Source lines of one statement, with its step() call."""
        verb = verb_of(stmt, where)
        if scope.kind not in VERBS[verb][1]:
            raise ScenarioError(f"{where}: '{verb}' is not allowed in {scope.kind}")
        pad = "    " * depth
        step = self.alias["step"] + "()"
        compound = getattr(self, "compound_" + verb, None)
        if compound is not None:
            return [pad + step] + compound(stmt, scope, depth, where)
        code = self.simple(verb, stmt, scope, where)
        return [f"{pad}{step}; {code}"]

    def assign(self, stmt, code):
        """`x = code` when the statement has "as", else `code`."""
        name = stmt.get("as")
        return f"{self.ident(name, 'variable')} = {code}" if name else code

    def simple(self, verb, s, scope, where):
        """Python source of a one-line statement."""
        aio, v = self.alias["asyncio"], lambda x: self.value(x, scope)
        loop = f"{aio}.get_event_loop()"
        if verb == "print":
            return f"print({self.template(s['print'], scope)})"
        if verb == "set":
            return f"{self.ident(s['set'], 'variable')} = {v(s.get('value'))}"
        if verb == "sleep":
            return f"await {aio}.sleep({v(s['sleep'])})"
        if verb == "block":
            self.uses_time = True
            return f"{self.alias['time']}.sleep({v(s['block'])})"
        if verb == "await":
            return self.assign(s, "await " + self.target(s["await"], scope, where))
        if verb == "yield":
            val = s["yield"]
            return self.assign(s, "yield" if val is None else f"yield {v(val)}")
        if verb == "return":
            return "return" if s["return"] is None else f"return {v(s['return'])}"
        if verb == "raise":
            return self.raise_(s, scope)
        if verb == "break":
            if not scope.in_loop:
                raise ScenarioError(f"{where}: break outside repeat")
            return "break"
        if verb == "create_task":
            return self.assign(s, f"{aio}.ensure_future("
                               f"{self.call(s['create_task'], scope, where)})")
        if verb == "cancel":
            return f"{self.ident(s['cancel'], 'task variable')}.cancel()"
        if verb == "call":
            return self.call(s, scope, where)
        if verb == "stop_loop":
            return f"{loop}.stop()"
        if verb == "queue_put_nowait":
            return f"{self.queue(s['queue_put_nowait'], scope, where)}.put_nowait({v(s.get('value'))})"
        if verb == "queue_get_nowait":
            return self.assign(s, f"{self.queue(s['queue_get_nowait'], scope, where)}.get_nowait()")
        if verb == "run_until_complete":
            target = self.target(s["run_until_complete"], scope, where)
            return self.assign(s, f"{loop}.run_until_complete({target})")
        if verb == "run_forever":
            return f"{loop}.run_forever()"
        if verb == "asyncio_run":
            return self.assign(s, f"{aio}.run({self.call(s['asyncio_run'], scope, where)})")
        if verb == "new_loop":
            return f"{aio}.set_event_loop({aio}.new_event_loop())"
        if verb in ("task_result", "task_exception"):
            method = verb.split("_")[1]
            return self.assign(s, f"{self.ident(s[verb], 'task variable')}.{method}()")
        if verb == "coroutine":
            return self.assign(s, self.coroutine_object(s["coroutine"], scope, where))
        if verb == "send":
            return self.assign(s, f"{self.ident(s['send'], 'variable')}.send({v(s.get('value'))})")
        if verb == "drive":
            return self.assign(s, self.drive(s, scope, where))
        raise AssertionError(verb)

    def raise_(self, s, scope):
        """`raise T(message)`, or a bare `raise` for {"raise": null}."""
        if s["raise"] is None:
            return "raise"
        exc = self.exc_type(s["raise"])
        msg = s.get("message")
        return f"raise {exc}({'' if msg is None else self.value(msg, scope)})"

    def coroutine_object(self, c, scope, where):
        """`c1(args)`, or `W(args).__await__()` for an awaitable."""
        code = self.call(c, scope, where)
        return code + ".__await__()" if "awaitable" in c else code

    def drive(self, s, scope, where):
        """A call of the hand-written loop helper for the policy."""
        policy = s.get("policy", "in_order")
        if policy not in DRIVE_POLICIES:
            raise ScenarioError(f"{where}: drive policy must be one of {DRIVE_POLICIES}")
        if policy not in self.policies:
            self.policies.append(policy)
        if not isinstance(s["drive"], list):
            raise ScenarioError(f"{where}: drive takes a list of variables")
        coros = "[" + ", ".join(self.ident(n, "variable") for n in s["drive"]) + "]"
        helper = self.alias["drive_" + policy]
        if policy == "random":
            return f"{helper}({coros}, seed={self.value(s.get('seed'), scope)})"
        return f"{helper}({coros})"

    def compound_if(self, s, scope, depth, where):
        """if / else."""
        pad = "    " * depth
        lines = [f"{pad}if {self.value(s['if'], scope)}:"]
        lines += self.block(s.get("then", []), scope, depth + 1, where + ".then")
        if s.get("else"):
            lines.append(pad + "else:")
            lines += self.block(s["else"], scope, depth + 1, where + ".else")
        return lines

    def compound_repeat(self, s, scope, depth, where):
        """for VAR in range(N) / while True (counting VAR = 0, 1, ... when it
        names one, as corosim binds it: for VAR in itertools.count())."""
        pad = "    " * depth
        body = self.block(s.get("body", []), scope.loop(), depth + 1,
                          where + ".body")
        if s["repeat"] is None and s.get("var"):
            var = self.ident(s["var"], "variable")
            return [pad + f"{var} = -1", pad + "while True:",
                    pad + f"    {var} += 1"] + body
        if s["repeat"] is None:
            return [pad + "while True:"] + body
        var = self.ident(s.get("var") or "_", "variable")
        return [pad + f"for {var} in range({self.value(s['repeat'], scope)}):"] + body

    def compound_try(self, s, scope, depth, where):
        """try / except ... / finally."""
        pad = "    " * depth
        lines = [pad + "try:"]
        lines += self.block(s["try"], scope, depth + 1, where + ".try")
        for i, h in enumerate(s.get("except", [])):
            lines.append(pad + self.except_clause(h, f"{where}.except[{i}]") + ":")
            lines += self.block(h.get("body", []), scope, depth + 1,
                                f"{where}.except[{i}].body")
        if s.get("finally") or not s.get("except"):
            lines.append(pad + "finally:")
            lines += self.block(s.get("finally", []), scope, depth + 1,
                                where + ".finally")
        return lines

    def except_clause(self, h, where):
        """`except (A, B) as e` for one handler."""
        extra = [k for k in h if k not in ("type", "as", "body", "line")
                 and not k.startswith("_")]
        if extra:
            raise ScenarioError(f"{where}: unknown key(s) {extra} in handler")
        types = h.get("type")
        if types is None:
            head = "except BaseException" if h.get("as") else "except"
        elif isinstance(types, list):
            names = [self.exc_type(t) for t in types]
            head = f"except ({', '.join(names)}{',' if len(names) == 1 else ''})"
        else:
            head = f"except {self.exc_type(types)}"
        if h.get("as"):
            head += f" as {self.ident(h['as'], 'variable')}"
        return head

    # ---- functions and the program -----------------------------------------

    def function_scope(self, kind, fdef, name):
        """Scope of a coroutine or awaitable body."""
        params = fdef.get("params", [])
        for p in params:
            self.ident(p, f"parameter of {name}")
        extra = [k for k in fdef if k not in ("params", "body")
                 and not k.startswith("_")]
        if extra:
            raise ScenarioError(f"{name}: unknown key(s) {extra}")
        return Scope(kind, bound_names(fdef.get("body", []), params),
                     self.main_globals)

    def coroutine_def(self, name, fdef):
        """`async def NAME(params):` and its body."""
        scope = self.function_scope(CO, fdef, self.ident(name, "coroutine"))
        params = ", ".join(fdef.get("params", []))
        lines = [f"@{self.alias['track']}", f"async def {name}({params}):",
                 f"    {self.alias['frame_depth']} = {self.alias['enter']}()"]
        return lines + self.block(fdef.get("body", []), scope, 1, name)

    def awaitable_def(self, name, fdef):
        """A class whose __await__ is a generator running the body."""
        scope = self.function_scope(AW, fdef, self.ident(name, "awaitable"))
        params = fdef.get("params", [])
        body = fdef.get("body", [])
        lines = [f"@{self.alias['track']}", f"class {name}:"]
        if params:
            lines.append(f"    def __init__(self, {', '.join(params)}):")
            lines += [f"        self.{p} = {p}" for p in params]
            lines.append("")
        lines.append("    def __await__(self):")
        lines.append(f"        {self.alias['frame_depth']} = {self.alias['enter']}()")
        lines += [f"        {p} = self.{p}" for p in params]
        if not any(verb == "yield" for _, verb in walk(body, name)):
            lines.append("        yield from ()  # a generator even without yield")
        return lines + self.block(body, scope, 2, name)

    def header(self):
        """Comment, imports, installation, exception classes, drive helpers."""
        sc, a = self.sc, self.alias
        lines = [f"# Scenario {sc['name']!r}: {sc.get('title', '')}".rstrip(),
                 f"# Translated from {self.path} (coroscope-scenario/1).", ""]
        modules = ["asyncio"] + ["random"] * ("random" in self.policies) \
            + ["time"] * self.uses_time
        for mod in modules:
            lines.append(f"import {mod}" if a[mod] == mod else f"import {mod} as {a[mod]}")
        lines.append("")
        lines.append("import vclock" if a["vclock"] == "vclock"
                     else f"import vclock as {a['vclock']}")
        imports = ", ".join(n if a[n] == n else f"{n} as {a[n]}" for n in
                            ("step", "enter", "track", "clock_now", "current_task_name"))
        lines.append(f"from vclock import {imports}")
        lines.append(f"{a['module_globals']} = globals()")
        limits = sc.get("limits", {})
        lines += ["", f"{a['vclock']}.install({sc['name']!r}, "
                  f"max_steps={limits.get('max_steps', 10_000_000)!r}, "
                  f"max_time={limits.get('max_time', 86400)!r}, "
                  f"max_depth={limits.get('max_depth', 1000)!r}, "
                  f"depth_name={self.alias['frame_depth']!r})"]
        for name in self.exc_classes:
            lines += ["", "", f"class {name}(Exception):", "    pass"]
        for policy in self.policies:
            text = DRIVE_HELPERS[policy].format(name=a["drive_" + policy],
                                                random=a["random"])
            lines += ["", *text.rstrip("\n").split("\n")]
        return lines

    def program(self):
        """The whole program as a string."""
        body = []
        for name, fdef in self.coroutines.items():
            body += ["", ""] + self.coroutine_def(name, fdef)
        for name, fdef in self.awaitables.items():
            body += ["", ""] + self.awaitable_def(name, fdef)
        body.append("")
        for name, qdef in self.queues.items():
            if not isinstance(qdef, dict) or [k for k in qdef if k != "maxsize"
                                              and not k.startswith("_")]:
                raise ScenarioError(f"queue {name!r}: expected {{'maxsize': N}}")
            size = qdef.get("maxsize", 0)
            arg = "" if not size else repr(size)
            body.append(f"{self.ident(name, 'queue')} = {self.alias['asyncio']}.Queue({arg})")
        aio = self.alias["asyncio"]
        body += ["", "# main: a fresh event loop is current, as in a notebook",
                 f"{aio}.set_event_loop({aio}.new_event_loop())"]
        scope = Scope(MAIN, self.main_globals, self.main_globals)
        # SystemExit escaping main never reaches sys.excepthook: caught here
        body.append("try:")
        body += self.block(self.sc["main"], scope, 1, "main")
        body += ["except SystemExit as _main_exit:",
                 f"    {self.alias['vclock']}.uncaught_exit(_main_exit)"]
        body.append(f"{self.alias['vclock']}.finish()")
        return "\n".join(self.header() + body) + "\n"


def translate(scenario, path="scenario.json"):
    """The Python program (a string) for a parsed scenario."""
    return Translator(scenario, path).program()


def translate_file(path):
    """The Python program for the scenario file at `path`."""
    with open(path, encoding="utf-8-sig") as f:
        try:
            scenario = json.load(f)
        except json.JSONDecodeError as exc:
            raise ScenarioError(f"invalid JSON: {exc}") from None
    return translate(scenario, path.replace("\\", "/").split("/")[-1])


def main(argv):
    """CLI: scenario2py.py SCENARIO.json [-o PROGRAM.py]"""
    if len(argv) not in (1, 3) or (len(argv) == 3 and argv[1] != "-o"):
        sys.stderr.write("usage: scenario2py.py SCENARIO.json [-o PROGRAM.py]\n")
        return 2
    try:
        program = translate_file(argv[0])
    except (OSError, ScenarioError) as exc:
        sys.stderr.write(f"{argv[0]}: error: {exc}\n")
        return 2
    if len(argv) == 3:
        with open(argv[2], "w", encoding="utf-8") as f:
            f.write(program)
    else:
        sys.stdout.write(program)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
