//! Custom distribution formulas (keys of type `FORMULE_PERSONNALISEE`): arithmetic over the
//! variables of a lot, parsed into an expression tree and evaluated in decimals.
//!
//! The source is bounded in length ([`MAX_LENGTH`]) and in nesting ([`MAX_DEPTH`]); the
//! recursive-descent parser checks the depth before every recursion, so hostile input such as
//! a long run of `(` or `-` is refused instead of exhausting the stack. Evaluation only uses
//! checked `Decimal` operations: no floats, no panics.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

/// The longest formula accepted, in characters.
pub const MAX_LENGTH: usize = 500;
/// The deepest nesting accepted; every parenthesis and every unary sign is one level.
pub const MAX_DEPTH: usize = 32;

/// The most significant digits a number literal may have (what a `Decimal` always holds).
const MAX_DIGITS: usize = 28;

/// A quantity of a lot a formula can refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variable {
    /// The lot's surface.
    Surface,
    /// The lot's tantièmes.
    Tantiemes,
    /// The number of occupants.
    Occupants,
    /// The number of rooms.
    Rooms,
    /// The metered consumption.
    Consumption,
}

impl Variable {
    /// Every variable, in the order they are listed to users.
    pub const ALL: [Variable; 5] = [
        Variable::Surface,
        Variable::Tantiemes,
        Variable::Occupants,
        Variable::Rooms,
        Variable::Consumption,
    ];

    /// The name used in formulas.
    pub const fn as_str(self) -> &'static str {
        match self {
            Variable::Surface => "surface",
            Variable::Tantiemes => "tantiemes",
            Variable::Occupants => "occupants",
            Variable::Rooms => "rooms",
            Variable::Consumption => "consumption",
        }
    }

    /// The variable with this name, ignoring ASCII case.
    pub fn from_name(name: &str) -> Option<Variable> {
        Variable::ALL
            .into_iter()
            .find(|variable| variable.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Variable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a formula does not parse, and where.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
#[error("at position {position}: {message}")]
pub struct FormulaError {
    /// The 0-based index, in characters (not bytes), of the offending character; the length of
    /// the source when the formula ends too early.
    pub position: usize,
    /// What is wrong, for the user.
    pub message: String,
}

impl FormulaError {
    fn new(position: usize, message: impl Into<String>) -> Self {
        FormulaError {
            position,
            message: message.into(),
        }
    }
}

/// Why a formula cannot be evaluated for a lot.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// The formula uses a variable that has no value for this lot.
    #[error("no value for {0}")]
    MissingValue(Variable),
    /// A divisor evaluates to zero.
    #[error("division by zero")]
    DivisionByZero,
    /// A result is beyond the decimal range.
    #[error("the result is too large")]
    Overflow,
}

/// A parsed distribution formula.
///
/// Its [`Display`](fmt::Display) form is canonical (ASCII operators, minimal parentheses, no
/// spaces) and parses back to the same formula, so it is what should be stored. Leaving out the
/// spaces keeps it no longer than any source it was parsed from, hence within [`MAX_LENGTH`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula {
    root: Expr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expr {
    /// Never negative: a minus sign is a [`Expr::Neg`].
    Number(Decimal),
    Variable(Variable),
    Neg(Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl BinaryOp {
    fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }

    fn precedence(self) -> u8 {
        match self {
            BinaryOp::Add | BinaryOp::Sub => 1,
            BinaryOp::Mul | BinaryOp::Div => 2,
        }
    }
}

impl Expr {
    /// Unary minus binds tighter than any binary operator, like a number or a variable.
    fn precedence(&self) -> u8 {
        match self {
            Expr::Binary(op, _, _) => op.precedence(),
            Expr::Number(_) | Expr::Variable(_) | Expr::Neg(_) => 3,
        }
    }

    fn collect_variables(&self, into: &mut Vec<Variable>) {
        match self {
            Expr::Number(_) => {}
            Expr::Variable(variable) => {
                if !into.contains(variable) {
                    into.push(*variable);
                }
            }
            Expr::Neg(inner) => inner.collect_variables(into),
            Expr::Binary(_, left, right) => {
                left.collect_variables(into);
                right.collect_variables(into);
            }
        }
    }

    fn evaluate(&self, values: &dyn Fn(Variable) -> Option<Decimal>) -> Result<Decimal, EvalError> {
        match self {
            Expr::Number(value) => Ok(*value),
            Expr::Variable(variable) => values(*variable).ok_or(EvalError::MissingValue(*variable)),
            // Flipping the sign of a Decimal cannot overflow: its range is symmetric.
            Expr::Neg(inner) => Ok(-inner.evaluate(values)?),
            Expr::Binary(op, left, right) => {
                let left = left.evaluate(values)?;
                let right = right.evaluate(values)?;
                let result = match op {
                    BinaryOp::Add => left.checked_add(right),
                    BinaryOp::Sub => left.checked_sub(right),
                    BinaryOp::Mul => left.checked_mul(right),
                    BinaryOp::Div => {
                        if right.is_zero() {
                            return Err(EvalError::DivisionByZero);
                        }
                        left.checked_div(right)
                    }
                };
                result.ok_or(EvalError::Overflow)
            }
        }
    }

    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Number(value) => write!(f, "{value}"),
            Expr::Variable(variable) => f.write_str(variable.as_str()),
            Expr::Neg(inner) => {
                f.write_str("-")?;
                inner.write_operand(f, inner.precedence() < 3)
            }
            Expr::Binary(op, left, right) => {
                let precedence = op.precedence();
                left.write_operand(f, left.precedence() < precedence)?;
                f.write_str(op.symbol())?;
                // Operators associate to the left, so an equal-precedence right operand needs
                // parentheses to keep its grouping: a - (b - c).
                right.write_operand(f, right.precedence() <= precedence)
            }
        }
    }

    fn write_operand(&self, f: &mut fmt::Formatter<'_>, parenthesize: bool) -> fmt::Result {
        if parenthesize {
            f.write_str("(")?;
            self.write(f)?;
            f.write_str(")")
        } else {
            self.write(f)
        }
    }
}

impl Formula {
    /// Parses a formula.
    ///
    /// Grammar: `expr = term (('+' | '-') term)*`, `term = factor (('*' | '/') factor)*`,
    /// `factor = ('-' | '+') factor | number | variable | '(' expr ')'`. `×`, `÷` and `−`
    /// (U+2212) are accepted for `*`, `/` and `-`; whitespace may separate any tokens; numbers
    /// are digits with an optional `.` fraction, at most 28 significant digits; variable names
    /// ignore case.
    ///
    /// # Errors
    ///
    /// A [`FormulaError`] with the character position of the first problem: an empty formula,
    /// an unknown character or variable, a missing operand or operator, unbalanced
    /// parentheses, a number that does not fit, a formula longer than [`MAX_LENGTH`]
    /// characters (at position [`MAX_LENGTH`]) or nested deeper than [`MAX_DEPTH`].
    pub fn parse(source: &str) -> Result<Formula, FormulaError> {
        if source.chars().nth(MAX_LENGTH).is_some() {
            return Err(FormulaError::new(
                MAX_LENGTH,
                format!("the formula is longer than {MAX_LENGTH} characters"),
            ));
        }
        let chars: Vec<char> = source.chars().collect();
        if chars.iter().all(|c| c.is_whitespace()) {
            return Err(FormulaError::new(0, "the formula is empty"));
        }
        let mut parser = Parser {
            lexer: Lexer { chars, position: 0 },
            peeked: None,
        };
        let root = parser.expression(0)?;
        let next = parser.peek()?;
        match next.kind {
            TokenKind::End => Ok(Formula { root }),
            TokenKind::RightParen => Err(FormulaError::new(next.start, "')' has no matching '('")),
            _ => Err(FormulaError::new(
                next.start,
                format!(
                    "expected an operator or the end of the formula, found {}",
                    parser.describe(next)
                ),
            )),
        }
    }

    /// The variables the formula uses, each once, in order of first use.
    pub fn variables(&self) -> Vec<Variable> {
        let mut variables = Vec::new();
        self.root.collect_variables(&mut variables);
        variables
    }

    /// Evaluates the formula with the values of a lot.
    ///
    /// # Errors
    ///
    /// [`EvalError::MissingValue`] when `values` has nothing for a variable the formula uses,
    /// [`EvalError::DivisionByZero`], [`EvalError::Overflow`] when a result leaves the decimal
    /// range.
    pub fn evaluate(
        &self,
        values: &dyn Fn(Variable) -> Option<Decimal>,
    ) -> Result<Decimal, EvalError> {
        self.root.evaluate(values)
    }
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.root.write(f)
    }
}

impl FromStr for Formula {
    type Err = FormulaError;

    fn from_str(source: &str) -> Result<Self, Self::Err> {
        Formula::parse(source)
    }
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: TokenKind,
    start: usize,
    end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenKind {
    Number(Decimal),
    Variable(Variable),
    Plus,
    Minus,
    Times,
    Divide,
    LeftParen,
    RightParen,
    End,
}

struct Lexer {
    chars: Vec<char>,
    position: usize,
}

impl Lexer {
    fn current(&self) -> Option<char> {
        self.chars.get(self.position).copied()
    }

    fn next_token(&mut self) -> Result<Token, FormulaError> {
        while self.current().is_some_and(char::is_whitespace) {
            self.position += 1;
        }
        let start = self.position;
        let Some(c) = self.current() else {
            return Ok(Token {
                kind: TokenKind::End,
                start,
                end: start,
            });
        };
        let kind = match c {
            '+' => TokenKind::Plus,
            '-' | '\u{2212}' => TokenKind::Minus,
            '*' | '×' => TokenKind::Times,
            '/' | '÷' => TokenKind::Divide,
            '(' => TokenKind::LeftParen,
            ')' => TokenKind::RightParen,
            '0'..='9' => return self.number(start),
            c if c.is_alphabetic() || c == '_' => return self.variable(start),
            c => {
                return Err(FormulaError::new(
                    start,
                    format!("unexpected character '{c}'"),
                ));
            }
        };
        self.position += 1;
        Ok(Token {
            kind,
            start,
            end: self.position,
        })
    }

    fn number(&mut self, start: usize) -> Result<Token, FormulaError> {
        let mut digits = String::new();
        let mut decimals = 0usize;
        self.take_digits(&mut digits);
        if self.current() == Some('.') {
            self.position += 1;
            decimals = self.take_digits(&mut digits);
            if decimals == 0 {
                return Err(FormulaError::new(
                    self.position,
                    "expected a digit after '.'",
                ));
            }
        }
        let significant = digits.trim_start_matches('0');
        if significant.len() > MAX_DIGITS {
            return Err(FormulaError::new(
                start,
                format!("a number has at most {MAX_DIGITS} significant digits"),
            ));
        }
        let too_precise = || {
            FormulaError::new(
                start,
                format!("a number has at most {} decimals", Decimal::MAX_SCALE),
            )
        };
        let scale = u32::try_from(decimals).map_err(|_| too_precise())?;
        // At most 28 digits: the mantissa is below 10^28, well within i128 and a Decimal.
        let mantissa = significant
            .bytes()
            .fold(0i128, |acc, digit| acc * 10 + i128::from(digit - b'0'));
        let value =
            Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| too_precise())?;
        Ok(Token {
            kind: TokenKind::Number(value),
            start,
            end: self.position,
        })
    }

    /// Appends the ASCII digits at the current position to `into`; returns how many.
    fn take_digits(&mut self, into: &mut String) -> usize {
        let from = self.position;
        while let Some(digit) = self.current().filter(char::is_ascii_digit) {
            into.push(digit);
            self.position += 1;
        }
        self.position - from
    }

    fn variable(&mut self, start: usize) -> Result<Token, FormulaError> {
        while self
            .current()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            self.position += 1;
        }
        let name: String = self.chars[start..self.position].iter().collect();
        match Variable::from_name(&name) {
            Some(variable) => Ok(Token {
                kind: TokenKind::Variable(variable),
                start,
                end: self.position,
            }),
            None => {
                let known: Vec<&str> = Variable::ALL.iter().map(|v| v.as_str()).collect();
                Err(FormulaError::new(
                    start,
                    format!(
                        "unknown variable '{name}' (known variables: {})",
                        known.join(", ")
                    ),
                ))
            }
        }
    }
}

/// Recursive descent over a lexer read lazily, so that the first problem from the left is the
/// one reported.
struct Parser {
    lexer: Lexer,
    peeked: Option<Token>,
}

impl Parser {
    fn peek(&mut self) -> Result<Token, FormulaError> {
        match self.peeked {
            Some(token) => Ok(token),
            None => {
                let token = self.lexer.next_token()?;
                self.peeked = Some(token);
                Ok(token)
            }
        }
    }

    fn advance(&mut self) -> Result<Token, FormulaError> {
        let token = self.peek()?;
        self.peeked = None;
        Ok(token)
    }

    fn describe(&self, token: Token) -> String {
        if token.kind == TokenKind::End {
            return "the end of the formula".to_owned();
        }
        let text: String = self.lexer.chars[token.start..token.end].iter().collect();
        format!("'{text}'")
    }

    fn expression(&mut self, depth: usize) -> Result<Expr, FormulaError> {
        let mut left = self.term(depth)?;
        loop {
            let op = match self.peek()?.kind {
                TokenKind::Plus => BinaryOp::Add,
                TokenKind::Minus => BinaryOp::Sub,
                _ => return Ok(left),
            };
            self.advance()?;
            let right = self.term(depth)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn term(&mut self, depth: usize) -> Result<Expr, FormulaError> {
        let mut left = self.factor(depth)?;
        loop {
            let op = match self.peek()?.kind {
                TokenKind::Times => BinaryOp::Mul,
                TokenKind::Divide => BinaryOp::Div,
                _ => return Ok(left),
            };
            self.advance()?;
            let right = self.factor(depth)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn factor(&mut self, depth: usize) -> Result<Expr, FormulaError> {
        let token = self.advance()?;
        match token.kind {
            TokenKind::Number(value) => Ok(Expr::Number(value)),
            TokenKind::Variable(variable) => Ok(Expr::Variable(variable)),
            TokenKind::Minus => {
                let inner = self.factor(deeper(depth, token)?)?;
                Ok(Expr::Neg(Box::new(inner)))
            }
            // A unary plus changes nothing, so it leaves no node; it still counts for depth.
            TokenKind::Plus => self.factor(deeper(depth, token)?),
            TokenKind::LeftParen => {
                let inner = self.expression(deeper(depth, token)?)?;
                let close = self.advance()?;
                if close.kind == TokenKind::RightParen {
                    Ok(inner)
                } else {
                    Err(FormulaError::new(
                        close.start,
                        format!(
                            "expected ')' to close the '(' at position {}, found {}",
                            token.start,
                            self.describe(close)
                        ),
                    ))
                }
            }
            TokenKind::Times | TokenKind::Divide | TokenKind::RightParen | TokenKind::End => {
                Err(FormulaError::new(
                    token.start,
                    format!(
                        "expected a number, a variable or '(', found {}",
                        self.describe(token)
                    ),
                ))
            }
        }
    }
}

/// The depth inside `token` (a parenthesis or a unary sign), refused beyond [`MAX_DEPTH`]
/// before the parser recurses.
fn deeper(depth: usize, token: Token) -> Result<usize, FormulaError> {
    let depth = depth + 1;
    if depth > MAX_DEPTH {
        Err(FormulaError::new(
            token.start,
            format!("the formula is nested more than {MAX_DEPTH} levels deep"),
        ))
    } else {
        Ok(depth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).expect("decimal")
    }

    fn lot(variable: Variable) -> Option<Decimal> {
        Some(match variable {
            Variable::Surface => d("52.5"),
            Variable::Tantiemes => d("120"),
            Variable::Occupants => d("3"),
            Variable::Rooms => d("2"),
            Variable::Consumption => d("14.25"),
        })
    }

    fn eval(source: &str) -> Decimal {
        Formula::parse(source)
            .expect("formula")
            .evaluate(&lot)
            .expect("value")
    }

    fn error(source: &str) -> FormulaError {
        Formula::parse(source).expect_err("a parse error")
    }

    fn position(source: &str) -> usize {
        error(source).position
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(eval("surface * 2 + tantiemes / 4"), d("135"));
        assert_eq!(eval("10 - 4 - 3"), d("3"));
        assert_eq!(eval("48 / 4 / 2"), d("6"));
        assert_eq!(eval("2 * (3 + 4)"), d("14"));
        assert_eq!(eval("2 * 3 + 4"), d("10"));
        assert_eq!(eval("2 + 3 * 4"), d("14"));
        assert_eq!(eval("-2 * 3"), d("-6"));
        assert_eq!(eval("-(2 + 3)"), d("-5"));
        assert_eq!(eval("4 - -2"), d("6"));
        assert_eq!(eval("--3 + +2"), d("5"));
        assert_eq!(eval("6 × 2 ÷ 3 − 1"), d("3"));
        assert_eq!(eval("  ( rooms\t+occupants )*2 "), d("10"));
        assert_eq!(eval("SURFACE + Consumption"), d("66.75"));
    }

    #[test]
    fn decimals_stay_exact() {
        assert_eq!(eval("0.1 + 0.2"), d("0.3"));
        assert_eq!(eval("1 / 3 * 3"), d("0.9999999999999999999999999999"));
        assert_eq!(eval("0.0000000000000000000000000001"), Decimal::new(1, 28));
        assert_eq!(
            eval("9999999999999999999999999999"),
            d("9999999999999999999999999999")
        );
        assert_eq!(eval("000000000000000000000000000000001.5"), d("1.5"));
    }

    #[test]
    fn variables_are_listed_once_in_first_use_order() {
        let formula =
            Formula::parse("tantiemes * (surface + 2 * TANTIEMES) / rooms").expect("formula");
        assert_eq!(
            formula.variables(),
            [Variable::Tantiemes, Variable::Surface, Variable::Rooms]
        );
        assert!(
            Formula::parse("1 + 2")
                .expect("formula")
                .variables()
                .is_empty()
        );
        for variable in Variable::ALL {
            assert_eq!(Variable::from_name(variable.as_str()), Some(variable));
            assert_eq!(variable.to_string(), variable.as_str());
        }
    }

    #[test]
    fn evaluation_errors() {
        let formula = Formula::parse("surface / (rooms - 2)").expect("formula");
        assert_eq!(formula.evaluate(&lot), Err(EvalError::DivisionByZero));
        assert_eq!(
            formula.evaluate(&|variable| (variable == Variable::Rooms).then(|| d("1"))),
            Err(EvalError::MissingValue(Variable::Surface))
        );
        let huge = Formula::parse("surface * surface").expect("formula");
        assert_eq!(
            huge.evaluate(&|_| Some(Decimal::MAX)),
            Err(EvalError::Overflow)
        );
        let sum = Formula::parse("surface + surface").expect("formula");
        assert_eq!(
            sum.evaluate(&|_| Some(Decimal::MAX)),
            Err(EvalError::Overflow)
        );
        assert_eq!(
            Formula::parse("-surface")
                .expect("formula")
                .evaluate(&|_| Some(Decimal::MIN)),
            Ok(Decimal::MAX)
        );
    }

    #[test]
    fn parse_errors_point_at_the_offending_character() {
        assert_eq!(position(""), 0);
        assert_eq!(error("   ").message, "the formula is empty");
        assert_eq!(position("1 +"), 3);
        assert_eq!(
            error("1 +").message,
            "expected a number, a variable or '(', found the end of the formula"
        );
        assert_eq!(position("1 + * 2"), 4);
        assert_eq!(position("* 2"), 0);
        assert_eq!(position("()"), 1);
        assert_eq!(position("(1 + 2"), 6);
        assert!(error("(1 + 2").message.contains("'(' at position 0"));
        assert_eq!(position("1 + 2)"), 5);
        assert_eq!(error("1 + 2)").message, "')' has no matching '('");
        assert_eq!(position("1 2"), 2);
        assert_eq!(position("2 surface"), 2);
        assert_eq!(position("(1) (2)"), 4);
        assert_eq!(position("1 # 2"), 2);
        assert_eq!(error("1 # 2").message, "unexpected character '#'");
        assert_eq!(position("1."), 2);
        assert_eq!(position(".5"), 0);
        assert_eq!(position("1 ^ 2"), 2);
        // Positions count characters, not bytes.
        assert_eq!(position("é"), 0);
        assert_eq!(position("2 × 3 × é"), 8);
        assert_eq!(position("2 × (3 ÷ 4"), 10);
        assert_eq!(position("surface + tantièmes"), 10);
        let unknown = error("surface + tantièmes");
        assert_eq!(
            unknown.message,
            "unknown variable 'tantièmes' (known variables: surface, tantiemes, occupants, rooms, consumption)"
        );
        assert_eq!(
            unknown.to_string(),
            format!("at position 10: {}", unknown.message)
        );
        // The first problem from the left wins, even when later characters are not lexable.
        assert_eq!(position("1 + ) + #"), 4);
    }

    #[test]
    fn numbers_must_fit_a_decimal() {
        assert_eq!(position("1 + 12345678901234567890123456789"), 4);
        assert!(
            error("1 + 12345678901234567890123456789")
                .message
                .contains("28 significant digits")
        );
        assert_eq!(position("2 * 0.00000000000000000000000000001"), 4);
        assert!(Formula::parse("1234567890123456789012345678").is_ok());
        assert!(Formula::parse("1.234567890123456789012345678").is_ok());
    }

    #[test]
    fn length_is_bounded() {
        let longest = format!("1{}", " + 1".repeat((MAX_LENGTH - 1) / 4));
        assert!(longest.chars().count() <= MAX_LENGTH);
        assert!(Formula::parse(&longest).is_ok());
        let exactly = format!("{longest}{}", " ".repeat(MAX_LENGTH - longest.len()));
        assert!(Formula::parse(&exactly).is_ok());
        let too_long = format!("{exactly}1");
        assert_eq!(
            error(&too_long),
            FormulaError::new(MAX_LENGTH, "the formula is longer than 500 characters")
        );
        // Counted in characters: 500 two-byte characters are not too long.
        assert_ne!(position(&"é".repeat(MAX_LENGTH)), MAX_LENGTH);
        assert_eq!(position(&"(".repeat(100_000)), MAX_LENGTH);
        assert_eq!(position(&"-".repeat(100_000)), MAX_LENGTH);
    }

    #[test]
    fn depth_is_bounded() {
        let nested = |levels: usize| format!("{}1{}", "(".repeat(levels), ")".repeat(levels));
        assert_eq!(eval(&nested(MAX_DEPTH)), d("1"));
        assert_eq!(
            error(&nested(MAX_DEPTH + 1)),
            FormulaError::new(MAX_DEPTH, "the formula is nested more than 32 levels deep")
        );
        assert_eq!(eval(&format!("{}1", "-".repeat(MAX_DEPTH))), d("1"));
        assert_eq!(
            position(&format!("{}1", "-".repeat(MAX_DEPTH + 1))),
            MAX_DEPTH
        );
        assert_eq!(position(&format!("{}1", "+-".repeat(200))), MAX_DEPTH);
        // Parentheses and signs add up.
        assert_eq!(position(&format!("{}1", "-(".repeat(MAX_DEPTH))), MAX_DEPTH);
        assert_eq!(position(&"(".repeat(MAX_LENGTH)), MAX_DEPTH);
        // Long flat chains are not deep.
        assert!(Formula::parse(&format!("1{}", " - 1".repeat(100))).is_ok());
    }

    #[test]
    fn display_is_canonical_and_parses_back() {
        for (source, canonical) in [
            ("surface * 2 + tantiemes / 4", "surface*2+tantiemes/4"),
            ("(10 - 4) - 3", "10-4-3"),
            ("10 - (4 - 3)", "10-(4-3)"),
            ("2 * (3 + 4)", "2*(3+4)"),
            ("(2 * 3) + 4", "2*3+4"),
            ("8 / (4 / 2)", "8/(4/2)"),
            ("8 / (4 * 2)", "8/(4*2)"),
            ("2 - -3", "2--3"),
            ("-(2 + 3) × −ROOMS", "-(2+3)*-rooms"),
            ("- - 3 + +2", "--3+2"),
            ("-(-(3))", "--3"),
            ("1.50 ÷ (0.5)", "1.50/0.5"),
            ("0007", "7"),
        ] {
            let formula = Formula::parse(source).expect("formula");
            assert_eq!(formula.to_string(), canonical);
            assert_eq!(Formula::parse(canonical), Ok(formula.clone()));
            assert_eq!(canonical.parse::<Formula>(), Ok(formula));
        }
    }

    fn number() -> impl Strategy<Value = Decimal> {
        (0u64..10_000_000_000, 0u32..=6).prop_map(|(mantissa, scale)| {
            Decimal::from_i128_with_scale(i128::from(mantissa), scale)
        })
    }

    fn any_decimal() -> impl Strategy<Value = Decimal> {
        (any::<(u32, u32, u32, bool)>(), 0u32..=28).prop_map(|((lo, mid, hi, negative), scale)| {
            Decimal::from_parts(lo, mid, hi, negative, scale)
        })
    }

    fn tree() -> impl Strategy<Value = Expr> {
        let leaf = prop_oneof![
            number().prop_map(Expr::Number),
            prop::sample::select(Variable::ALL.to_vec()).prop_map(Expr::Variable),
        ];
        leaf.prop_recursive(8, 48, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| Expr::Neg(Box::new(e))),
                (
                    prop::sample::select(vec![
                        BinaryOp::Add,
                        BinaryOp::Sub,
                        BinaryOp::Mul,
                        BinaryOp::Div
                    ]),
                    inner.clone(),
                    inner
                )
                    .prop_map(|(op, left, right)| Expr::Binary(
                        op,
                        Box::new(left),
                        Box::new(right)
                    )),
            ]
        })
    }

    fn noisy_source() -> impl Strategy<Value = String> {
        let alphabet = vec![
            '(', ')', '(', ')', '-', '+', '*', '/', '×', '÷', '−', '.', '0', '1', '9', ' ', 's',
            'u', 'r', 'f', 'a', 'c', 'e', 'é', '∑', '\u{0}', '\n', '_',
        ];
        prop::collection::vec(prop::sample::select(alphabet), 0..700)
            .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn parsing_arbitrary_text_never_panics(source in "\\PC{0,600}") {
            check_parse(&source)?;
        }

        #[test]
        fn parsing_formula_like_noise_never_panics(source in noisy_source()) {
            check_parse(&source)?;
        }

        #[test]
        fn a_tree_prints_and_parses_back_and_evaluates_without_panicking(
            root in tree(),
            values in prop::collection::vec(any_decimal(), 5),
        ) {
            let formula = Formula { root };
            let text = formula.to_string();
            prop_assume!(text.chars().count() <= MAX_LENGTH);
            prop_assert_eq!(Formula::parse(&text), Ok(formula.clone()));
            let lookup = |variable: Variable| {
                Variable::ALL.iter().position(|v| *v == variable).map(|index| values[index])
            };
            let _ = formula.evaluate(&lookup);
            let _ = formula.evaluate(&|_| None);
        }
    }

    /// Whatever the text, parsing returns; an error points inside (or just after) it, and a
    /// formula prints to a form no longer than its source that parses back to it.
    fn check_parse(source: &str) -> Result<(), TestCaseError> {
        match Formula::parse(source) {
            Ok(formula) => {
                let text = formula.to_string();
                prop_assert!(text.chars().count() <= source.chars().count());
                prop_assert_eq!(Formula::parse(&text), Ok(formula.clone()));
            }
            Err(error) => prop_assert!(error.position <= source.chars().count()),
        }
        Ok(())
    }
}
