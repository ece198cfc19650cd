//! A small JSP 2.0 EL (`${...}`) evaluator with commons-el 1.0 semantics,
//! the engine of Oozie up to 5.1 (oozie-rest.md §12): text outside `${}`
//! is literal (no `\${` escape, `#{` is plain text), string literals take
//! `\\`, `\'` and `\"` escapes, operators include the word forms (`and`,
//! `or`, `not`, `eq`, `ne`, `lt`, `gt`, `le`, `ge`, `div`, `mod`, `empty`).
//!
//! Variables and functions come from an [`ElContext`]; an unknown variable
//! fails with `variable [x] cannot be resolved`, the message Oozie reports.

use std::collections::BTreeMap;

/// An EL value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Long(i64),
    Double(f64),
    Str(String),
    Map(BTreeMap<String, String>),
}

impl Value {
    /// EL's coercion to String.
    pub(crate) fn to_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Long(n) => n.to_string(),
            Value::Double(d) => java_double(*d),
            Value::Str(s) => s.clone(),
            Value::Map(m) => {
                let items: Vec<String> = m.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("{{{}}}", items.join(", "))
            }
        }
    }

    fn to_bool(&self) -> Result<bool, String> {
        match self {
            Value::Null => Ok(false),
            Value::Bool(b) => Ok(*b),
            Value::Str(s) => Ok(s.eq_ignore_ascii_case("true")),
            other => Err(format!("cannot convert [{}] to boolean", other.to_text())),
        }
    }

    fn to_number(&self) -> Result<Value, String> {
        match self {
            Value::Null => Ok(Value::Long(0)),
            Value::Long(_) | Value::Double(_) => Ok(self.clone()),
            Value::Str(s) if s.is_empty() => Ok(Value::Long(0)),
            Value::Str(s) => s
                .parse::<i64>()
                .map(Value::Long)
                .or_else(|_| s.parse::<f64>().map(Value::Double))
                .map_err(|_| format!("An exception occured trying to convert String \"{s}\" to type \"java.lang.Long\"")),
            other => Err(format!("cannot convert [{}] to a number", other.to_text())),
        }
    }

    fn is_numeric(&self) -> bool {
        matches!(self, Value::Long(_) | Value::Double(_))
    }
}

/// Java's `Double.toString` for ordinary values.
fn java_double(d: f64) -> String {
    if d.fract() == 0.0 && d.abs() < 1e7 {
        format!("{d:.1}")
    } else {
        d.to_string()
    }
}

/// Where variables and functions come from.
pub(crate) trait ElContext {
    /// The value of a variable, or `None` if it is not defined.
    fn variable(&self, name: &str) -> Option<Value>;
    /// Calls `prefix:name(args)` (prefix empty for plain functions);
    /// `Err` carries the message.
    fn function(&self, name: &str, args: Vec<Value>) -> Result<Value, String>;
}

/// Evaluates a text with embedded `${...}` expressions to a string.
pub(crate) fn evaluate(text: &str, ctx: &dyn ElContext) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let expr_text = &rest[start + 2..];
        let mut parser = Parser::new(expr_text);
        let expr = parser.parse_expression().map_err(|e| {
            format!(
                "Encountered \"{}\": {e}",
                expr_text.chars().take(40).collect::<String>()
            )
        })?;
        parser.skip_ws();
        if !parser.eat_char('}') {
            return Err(format!(
                "Encountered \"{}\" at column {}, expected \"}}\"",
                parser.rest().chars().take(20).collect::<String>(),
                start + 3 + parser.pos
            ));
        }
        out.push_str(&eval(&expr, ctx)?.to_text());
        rest = &expr_text[parser.pos..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Evaluates a whole `${...}` text and coerces the result to a boolean
/// (decision `<case>` nodes).
pub(crate) fn evaluate_bool(text: &str, ctx: &dyn ElContext) -> Result<bool, String> {
    Ok(evaluate(text.trim(), ctx)?
        .trim()
        .eq_ignore_ascii_case("true"))
}

#[derive(Debug, Clone)]
enum Expr {
    Literal(Value),
    Variable(String),
    Call(String, Vec<Expr>),
    Property(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    Unary(&'static str, Box<Expr>),
    Binary(&'static str, Box<Expr>, Box<Expr>),
    Ternary(Box<Expr>, Box<Expr>, Box<Expr>),
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn is_ident_part(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        Parser { src, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.src.len() - trimmed.len();
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn eat_char(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    /// Consumes a symbol operator.
    fn eat_symbol(&mut self, sym: &str) -> bool {
        self.skip_ws();
        if self.rest().starts_with(sym) {
            self.pos += sym.len();
            true
        } else {
            false
        }
    }

    /// Consumes a keyword (not followed by an identifier character).
    fn eat_word(&mut self, word: &str) -> bool {
        self.skip_ws();
        let rest = self.rest();
        if rest.starts_with(word) && !rest[word.len()..].chars().next().is_some_and(is_ident_part) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn parse_expression(&mut self) -> Result<Expr, String> {
        let cond = self.parse_or()?;
        if self.eat_symbol("?") {
            let a = self.parse_expression()?;
            if !self.eat_symbol(":") {
                return Err("expected \":\"".into());
            }
            let b = self.parse_expression()?;
            return Ok(Expr::Ternary(Box::new(cond), Box::new(a), Box::new(b)));
        }
        Ok(cond)
    }

    fn parse_or(&mut self) -> Result<Expr, String> {
        let mut left = self.parse_and()?;
        while self.eat_symbol("||") || self.eat_word("or") {
            let right = self.parse_and()?;
            left = Expr::Binary("or", Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn parse_and(&mut self) -> Result<Expr, String> {
        let mut left = self.parse_equality()?;
        while self.eat_symbol("&&") || self.eat_word("and") {
            let right = self.parse_equality()?;
            left = Expr::Binary("and", Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn parse_equality(&mut self) -> Result<Expr, String> {
        let mut left = self.parse_relational()?;
        loop {
            let op = if self.eat_symbol("==") || self.eat_word("eq") {
                "eq"
            } else if self.eat_symbol("!=") || self.eat_word("ne") {
                "ne"
            } else {
                return Ok(left);
            };
            let right = self.parse_relational()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn parse_relational(&mut self) -> Result<Expr, String> {
        let mut left = self.parse_additive()?;
        loop {
            let op = if self.eat_symbol("<=") || self.eat_word("le") {
                "le"
            } else if self.eat_symbol(">=") || self.eat_word("ge") {
                "ge"
            } else if self.eat_symbol("<") || self.eat_word("lt") {
                "lt"
            } else if self.eat_symbol(">") || self.eat_word("gt") {
                "gt"
            } else {
                return Ok(left);
            };
            let right = self.parse_additive()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn parse_additive(&mut self) -> Result<Expr, String> {
        let mut left = self.parse_multiplicative()?;
        loop {
            let op = if self.eat_symbol("+") {
                "+"
            } else if self.eat_symbol("-") {
                "-"
            } else {
                return Ok(left);
            };
            let right = self.parse_multiplicative()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn parse_multiplicative(&mut self) -> Result<Expr, String> {
        let mut left = self.parse_unary()?;
        loop {
            let op = if self.eat_symbol("*") {
                "*"
            } else if self.eat_symbol("/") || self.eat_word("div") {
                "/"
            } else if self.eat_symbol("%") || self.eat_word("mod") {
                "%"
            } else {
                return Ok(left);
            };
            let right = self.parse_unary()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn parse_unary(&mut self) -> Result<Expr, String> {
        if self.eat_symbol("-") {
            return Ok(Expr::Unary("-", Box::new(self.parse_unary()?)));
        }
        if self.eat_symbol("!") || self.eat_word("not") {
            return Ok(Expr::Unary("not", Box::new(self.parse_unary()?)));
        }
        if self.eat_word("empty") {
            return Ok(Expr::Unary("empty", Box::new(self.parse_unary()?)));
        }
        self.parse_value()
    }

    fn parse_value(&mut self) -> Result<Expr, String> {
        let mut value = self.parse_primary()?;
        loop {
            if self.eat_symbol(".") {
                self.skip_ws();
                let name = self.identifier().ok_or("expected a property name")?;
                value = Expr::Property(Box::new(value), name);
            } else if self.eat_symbol("[") {
                let index = self.parse_expression()?;
                if !self.eat_symbol("]") {
                    return Err("expected \"]\"".into());
                }
                value = Expr::Index(Box::new(value), Box::new(index));
            } else {
                return Ok(value);
            }
        }
    }

    fn identifier(&mut self) -> Option<String> {
        let rest = self.rest();
        let mut chars = rest.char_indices();
        match chars.next() {
            Some((_, c)) if is_ident_start(c) => {}
            _ => return None,
        }
        let end = chars
            .find(|(_, c)| !is_ident_part(*c))
            .map_or(rest.len(), |(i, _)| i);
        self.pos += end;
        Some(rest[..end].to_string())
    }

    fn parse_primary(&mut self) -> Result<Expr, String> {
        self.skip_ws();
        match self.peek() {
            None => Err("unexpected end of expression".into()),
            Some('(') => {
                self.pos += 1;
                let e = self.parse_expression()?;
                if !self.eat_symbol(")") {
                    return Err("expected \")\"".into());
                }
                Ok(e)
            }
            Some(q @ ('\'' | '"')) => {
                self.pos += 1;
                let mut s = String::new();
                loop {
                    let c = self.peek().ok_or("unterminated string literal")?;
                    self.pos += c.len_utf8();
                    if c == q {
                        break;
                    }
                    if c == '\\' {
                        match self.peek() {
                            Some(n @ ('\\' | '\'' | '"')) => {
                                self.pos += 1;
                                s.push(n);
                            }
                            _ => s.push('\\'),
                        }
                    } else {
                        s.push(c);
                    }
                }
                Ok(Expr::Literal(Value::Str(s)))
            }
            Some(c) if c.is_ascii_digit() || c == '.' => {
                let rest = self.rest();
                let end = rest
                    .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E'))
                    .unwrap_or(rest.len());
                let text = &rest[..end];
                self.pos += end;
                if let Ok(n) = text.parse::<i64>() {
                    Ok(Expr::Literal(Value::Long(n)))
                } else {
                    text.parse::<f64>()
                        .map(|d| Expr::Literal(Value::Double(d)))
                        .map_err(|_| format!("bad number {text}"))
                }
            }
            Some(c) if is_ident_start(c) => {
                let name = self.identifier().ok_or("expected an identifier")?;
                match name.as_str() {
                    "true" => return Ok(Expr::Literal(Value::Bool(true))),
                    "false" => return Ok(Expr::Literal(Value::Bool(false))),
                    "null" => return Ok(Expr::Literal(Value::Null)),
                    _ => {}
                }
                // `prefix:name(` is a function; a bare `name(` too.
                let save = self.pos;
                self.skip_ws();
                let mut full = name.clone();
                if self.peek() == Some(':') {
                    self.pos += 1;
                    self.skip_ws();
                    match self.identifier() {
                        Some(local) => full = format!("{name}:{local}"),
                        None => {
                            self.pos = save;
                            return Ok(Expr::Variable(name));
                        }
                    }
                    self.skip_ws();
                    if self.peek() != Some('(') {
                        return Err(format!("expected \"(\" after function name {full}"));
                    }
                }
                if self.peek() == Some('(') {
                    self.pos += 1;
                    let mut args = Vec::new();
                    if !self.eat_symbol(")") {
                        loop {
                            args.push(self.parse_expression()?);
                            if self.eat_symbol(")") {
                                break;
                            }
                            if !self.eat_symbol(",") {
                                return Err("expected \",\" or \")\"".into());
                            }
                        }
                    }
                    return Ok(Expr::Call(full, args));
                }
                self.pos = save;
                Ok(Expr::Variable(name))
            }
            Some(c) => Err(format!("unexpected character '{c}'")),
        }
    }
}

fn arithmetic(op: &str, a: Value, b: Value) -> Result<Value, String> {
    let (a, b) = (a.to_number()?, b.to_number()?);
    if let (Value::Long(x), Value::Long(y), false) = (&a, &b, op == "/") {
        return match op {
            "+" => Ok(Value::Long(x.wrapping_add(*y))),
            "-" => Ok(Value::Long(x.wrapping_sub(*y))),
            "*" => Ok(Value::Long(x.wrapping_mul(*y))),
            _ if *y == 0 => Err("/ by zero".into()),
            _ => Ok(Value::Long(x % y)),
        };
    }
    let f = |v: &Value| match v {
        Value::Long(n) => *n as f64,
        Value::Double(d) => *d,
        _ => 0.0,
    };
    let (x, y) = (f(&a), f(&b));
    Ok(Value::Double(match op {
        "+" => x + y,
        "-" => x - y,
        "*" => x * y,
        "/" => x / y,
        _ => x % y,
    }))
}

fn compare(a: &Value, b: &Value) -> Result<std::cmp::Ordering, String> {
    if a.is_numeric() || b.is_numeric() {
        let (x, y) = (a.to_number()?, b.to_number()?);
        let f = |v: &Value| match v {
            Value::Long(n) => *n as f64,
            Value::Double(d) => *d,
            _ => 0.0,
        };
        return f(&x)
            .partial_cmp(&f(&y))
            .ok_or_else(|| "cannot compare NaN".to_string());
    }
    Ok(a.to_text().cmp(&b.to_text()))
}

fn equals(a: &Value, b: &Value) -> Result<bool, String> {
    Ok(match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Bool(_), _) | (_, Value::Bool(_)) => a.to_bool()? == b.to_bool()?,
        _ if a.is_numeric() || b.is_numeric() => compare(a, b)? == std::cmp::Ordering::Equal,
        _ => a.to_text() == b.to_text(),
    })
}

fn eval(expr: &Expr, ctx: &dyn ElContext) -> Result<Value, String> {
    match expr {
        Expr::Literal(v) => Ok(v.clone()),
        Expr::Variable(name) => ctx
            .variable(name)
            .ok_or_else(|| format!("variable [{name}] cannot be resolved")),
        Expr::Call(name, args) => {
            let values = args
                .iter()
                .map(|a| eval(a, ctx))
                .collect::<Result<Vec<_>, _>>()?;
            ctx.function(name, values)
        }
        Expr::Property(target, name) => match eval(target, ctx)? {
            Value::Map(m) => Ok(m.get(name).map_or(Value::Null, |v| Value::Str(v.clone()))),
            Value::Null => Ok(Value::Null),
            other => Err(format!(
                "Unable to find a value for \"{name}\" in object of class \"{}\"",
                match other {
                    Value::Str(_) => "java.lang.String",
                    Value::Long(_) => "java.lang.Long",
                    _ => "java.lang.Object",
                }
            )),
        },
        Expr::Index(target, index) => {
            let key = eval(index, ctx)?.to_text();
            match eval(target, ctx)? {
                Value::Map(m) => Ok(m.get(&key).map_or(Value::Null, |v| Value::Str(v.clone()))),
                _ => Ok(Value::Null),
            }
        }
        Expr::Unary(op, inner) => {
            let v = eval(inner, ctx)?;
            match *op {
                "-" => arithmetic("-", Value::Long(0), v),
                "not" => Ok(Value::Bool(!v.to_bool()?)),
                _ => Ok(Value::Bool(match v {
                    Value::Null => true,
                    Value::Str(s) => s.is_empty(),
                    Value::Map(m) => m.is_empty(),
                    _ => false,
                })),
            }
        }
        Expr::Binary(op, a, b) => match *op {
            "and" => Ok(Value::Bool(
                eval(a, ctx)?.to_bool()? && eval(b, ctx)?.to_bool()?,
            )),
            "or" => Ok(Value::Bool(
                eval(a, ctx)?.to_bool()? || eval(b, ctx)?.to_bool()?,
            )),
            "eq" => Ok(Value::Bool(equals(&eval(a, ctx)?, &eval(b, ctx)?)?)),
            "ne" => Ok(Value::Bool(!equals(&eval(a, ctx)?, &eval(b, ctx)?)?)),
            "lt" | "gt" | "le" | "ge" => {
                let o = compare(&eval(a, ctx)?, &eval(b, ctx)?)?;
                use std::cmp::Ordering::*;
                Ok(Value::Bool(match *op {
                    "lt" => o == Less,
                    "gt" => o == Greater,
                    "le" => o != Greater,
                    _ => o != Less,
                }))
            }
            arith => arithmetic(arith, eval(a, ctx)?, eval(b, ctx)?),
        },
        Expr::Ternary(c, a, b) => {
            if eval(c, ctx)?.to_bool()? {
                eval(a, ctx)
            } else {
                eval(b, ctx)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Vars;
    impl ElContext for Vars {
        fn variable(&self, name: &str) -> Option<Value> {
            match name {
                "x" => Some(Value::Str("X".into())),
                "n" => Some(Value::Long(3)),
                _ => None,
            }
        }
        fn function(&self, name: &str, args: Vec<Value>) -> Result<Value, String> {
            match name {
                "wf:id" => Ok(Value::Str("0000001-W".into())),
                "concat" => Ok(Value::Str(
                    args.iter().map(Value::to_text).collect::<String>(),
                )),
                _ => Err(format!("No function is mapped to the name \"{name}\"")),
            }
        }
    }

    fn ev(s: &str) -> Result<String, String> {
        evaluate(s, &Vars)
    }

    #[test]
    fn the_escape_table_of_oozie_rest_section_12() {
        assert_eq!(ev("$5 and $HOME").unwrap(), "$5 and $HOME");
        assert_eq!(ev("${'$'}{foo}").unwrap(), "${foo}");
        assert_eq!(ev("\\${x}").unwrap(), "\\X");
        assert!(ev("\\${foo}").is_err());
        assert_eq!(ev("#{foo}").unwrap(), "#{foo}");
        assert_eq!(ev("#{foo} ${x}").unwrap(), "#{foo} X");
        assert_eq!(ev("${'#'}{foo}").unwrap(), "#{foo}");
        assert!(ev("${true &amp;&amp; true}").is_err());
        assert_eq!(ev("${true and true}").unwrap(), "true");
        assert_eq!(ev("${'\\\\'}").unwrap(), "\\");
    }

    #[test]
    fn variables_functions_and_operators() {
        assert_eq!(ev("a-${x}-${wf:id()}").unwrap(), "a-X-0000001-W");
        assert_eq!(ev("${concat(x, 'y')}").unwrap(), "Xy");
        assert_eq!(ev("${n + 2}").unwrap(), "5");
        assert_eq!(ev("${n gt 2 ? 'big' : 'small'}").unwrap(), "big");
        assert_eq!(ev("${empty ''}").unwrap(), "true");
        assert_eq!(
            ev("${foo}").unwrap_err(),
            "variable [foo] cannot be resolved"
        );
        assert_eq!(ev("${a.b}").unwrap_err(), "variable [a] cannot be resolved");
        assert!(ev("${wf:nope()}").is_err());
        assert_eq!(ev("${'}'}").unwrap(), "}");
    }
}
