"""Source edits as LibCST transforms, located by line.

Each transform takes the module's source, the 1-based ``line`` the diagnosis points at and the
edit's arguments, and returns the new source — or raises ``Refused`` with the reason, leaving
the code unchanged (LibCST codemods' "skip with a warning"). A transform edits only what it
was asked to; everything else, comments and formatting included, comes back byte for byte.

Transforms (``Edit.transform``):

* ``wrap_argument`` — wrap one argument of the call on the line:
  ``template`` (``"np.expand_dims({}, axis=0)"``), ``method`` (the call's name, e.g.
  ``predict``; empty: the data call of that line), ``position`` or ``keyword``.
* ``set_keyword`` — set (or add) ``keyword=value`` in the call named ``call`` on the line.
* ``replace_string`` — replace the string literal ``old`` by ``new`` on the line.
* ``insert_before_call`` — in the list or call arguments on the line (e.g. a ``Sequential``
  list), insert ``element`` before the first element that is a call named ``before``.
* ``add_import`` — make sure ``import {module} as {alias}`` exists (added after the last
  top-level import).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


class Refused(Exception):
    """The edit cannot be made safely; the message says why."""


def _call_name(call: cst.Call) -> str:
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return ""


class _OnLine(cst.CSTTransformer):
    """Base: visit the nodes whose span covers ``line``."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.done = 0

    def covers(self, node: cst.CSTNode) -> bool:
        pos = self.get_metadata(PositionProvider, node)
        return bool(pos.start.line <= self.line <= pos.end.line)


class _WrapArgument(_OnLine):
    def __init__(self, line: int, template: str, method: str, position: int | None,
                 keyword: str | None, module: cst.Module) -> None:
        super().__init__(line)
        self.template, self.method = template, method
        self.position, self.keyword, self.module = position, keyword, module

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.done or not self.covers(original):
            return updated
        if self.method and _call_name(original) != self.method:
            return updated
        args = list(updated.args)
        index = None
        if self.keyword is not None:
            index = next((i for i, a in enumerate(args)
                          if a.keyword is not None and a.keyword.value == self.keyword), None)
        if index is None and self.position is not None:
            positional = [i for i, a in enumerate(args) if a.keyword is None and not a.star]
            if self.position < len(positional):
                index = positional[self.position]
        if index is None:
            return updated
        old = self.module.code_for_node(args[index].value)
        new_value = cst.parse_expression(self.template.format(old))
        args[index] = args[index].with_changes(value=new_value)
        self.done += 1
        return updated.with_changes(args=args)


class _SetKeyword(_OnLine):
    def __init__(self, line: int, call: str, keyword: str, value: str,
                 position: int | None) -> None:
        super().__init__(line)
        self.call, self.keyword, self.value = call, keyword, cst.parse_expression(value)
        self.position = position

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.done or not self.covers(original) or _call_name(original) != self.call:
            return updated
        args = list(updated.args)
        positional = [i for i, a in enumerate(args) if a.keyword is None and not a.star]
        for i, arg in enumerate(args):
            if arg.keyword is not None and arg.keyword.value == self.keyword:
                args[i] = arg.with_changes(value=self.value)
                break
        else:
            if self.position is not None and self.position < len(positional):
                # the same parameter given positionally, e.g. Dense(10)
                i = positional[self.position]
                args[i] = args[i].with_changes(value=self.value)
                self.done += 1
                return updated.with_changes(args=args)
            if args:
                args[-1] = args[-1].with_changes(comma=cst.Comma(
                    whitespace_after=cst.SimpleWhitespace(" ")))
            args.append(cst.Arg(value=self.value, keyword=cst.Name(self.keyword),
                                equal=cst.AssignEqual(
                                    whitespace_before=cst.SimpleWhitespace(""),
                                    whitespace_after=cst.SimpleWhitespace(""))))
        self.done += 1
        return updated.with_changes(args=args)


class _ReplaceString(_OnLine):
    def __init__(self, line: int, old: str, new: str) -> None:
        super().__init__(line)
        self.old, self.new = old, new

    def leave_SimpleString(self, original: cst.SimpleString,
                           updated: cst.SimpleString) -> cst.BaseExpression:
        if not self.covers(original):
            return updated
        try:
            value = original.evaluated_value
        except Exception:
            return updated
        if value != self.old:
            return updated
        self.done += 1
        quote = original.quote
        return updated.with_changes(value=f"{original.prefix}{quote}{self.new}{quote}")


class _InsertBeforeCall(_OnLine):
    def __init__(self, line: int, element: str, before: str) -> None:
        super().__init__(line)
        self.element, self.before = cst.parse_expression(element), before

    def leave_List(self, original: cst.List, updated: cst.List) -> cst.BaseExpression:
        if self.done:
            return updated
        elements = list(updated.elements)
        for i, (orig, element) in enumerate(zip(original.elements, elements, strict=True)):
            value = element.value
            if isinstance(value, cst.Call) and _call_name(value) == self.before and \
                    self.covers(orig):
                # Separate the new element the way the list separates its elements: the
                # comma of the element before it carries the newline and indentation.
                previous = elements[i - 1].comma if i > 0 else cst.MaybeSentinel.DEFAULT
                comma = previous if isinstance(previous, cst.Comma) else \
                    cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                elements.insert(i, cst.Element(value=self.element, comma=comma))
                self.done += 1
                return updated.with_changes(elements=elements)
        return updated


def _add_import(source: str, module: str, alias: str | None) -> str:
    tree = cst.parse_module(source)
    wanted = f"import {module} as {alias}" if alias else f"import {module}"
    for statement in tree.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import):
                    for name in small.names:
                        bound = name.asname.name if name.asname else name.name
                        text = tree.code_for_node(name.name)
                        if text == module and (alias is None or
                                               tree.code_for_node(bound) == alias):
                            return source
    last_import = -1
    for index, statement in enumerate(tree.body):
        if isinstance(statement, cst.SimpleStatementLine) and any(
                isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body):
            last_import = index
    new_line = cst.parse_statement(wanted + "\n")
    body = list(tree.body)
    body.insert(last_import + 1, new_line)
    return tree.with_changes(body=body).code


def apply(source: str, transform: str, line: int, args: dict[str, Any]) -> str:
    """``source`` with one edit made; raises ``Refused`` when it cannot be made exactly once."""
    if transform == "add_import":
        return _add_import(source, args["module"], args.get("alias"))
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        raise Refused(f"the file does not parse: {error.message}") from None
    makers: dict[str, Callable[[], _OnLine]] = {
        "wrap_argument": lambda: _WrapArgument(line, args["template"], args.get("method", ""),
                                               args.get("position"), args.get("keyword"),
                                               module),
        "set_keyword": lambda: _SetKeyword(line, args["call"], args["keyword"], args["value"],
                                           args.get("position")),
        "replace_string": lambda: _ReplaceString(line, args["old"], args["new"]),
        "insert_before_call": lambda: _InsertBeforeCall(line, args["element"], args["before"]),
    }
    if transform not in makers:
        raise Refused(f"unknown transform {transform!r}")
    if transform == "wrap_argument" and not args.get("method"):
        raise Refused("wrap_argument needs the name of the call whose argument it wraps")
    visitor = makers[transform]()
    new = MetadataWrapper(module).visit(visitor)
    if visitor.done != 1:
        what = "nothing" if visitor.done == 0 else f"{visitor.done} places"
        raise Refused(f"{transform} matched {what} on line {line}, not exactly one place")
    return new.code


def apply_all(source: str, edits: Sequence[tuple[str, int, dict[str, Any]]]) -> str:
    for transform, line, args in edits:
        source = apply(source, transform, line, args)
    return source
