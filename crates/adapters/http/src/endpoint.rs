//! [`endpoint!`](crate::endpoint): one handler with its OpenAPI operation, written once.

/// Writes an annotated handler of the bearer-keyed API: its OpenAPI operation (tag, id,
/// request body, query parameters, the answer it gives and the errors of its own), its route, and
/// its signature: the application state, the caller of the given role, the other arguments,
/// and a `Result<HttpResponse, ApiError>`.
///
/// `security = "worker_key",` names another scheme than the bearer key.
///
/// 400 and 401, like 408, 413, 415, 429 and 503, are added to the document wherever they
/// apply by `standard_responses` (lib.rs): `errors` lists the others (403, 404, 409…).
///
/// ```ignore
/// crate::endpoint! {
///     /// Read a charge review.
///     get "/charges/reviews/{id}", tag = "Charges", id = "get_charge_review",
///     ok = (200, "The review", ReviewResponse),
///     errors = [403 Forbidden, 404 NotFound],
///     fn get_review(state, caller: Manager, path: web::Path<Uuid>) { … }
/// }
/// ```
///
/// `json body: T,` reads the body as a `T` (its request body in the document) and
/// `query page: PageParams, params: P;` the query string as each type (its parameters), after
/// the arguments of the handler; `body = T,` (or
/// `request_body(…),` with utoipa's words) documents a body the handler reads itself.
///
/// ```ignore
/// crate::endpoint! {
///     /// List charge reviews, latest period first.
///     get "/charges/reviews", tag = "Charges", id = "list_charge_reviews",
///     ok = (200, "A page", Paginated<ReviewResponse>),
///     errors = [403 Forbidden],
///     query page: PageParams, params: ReviewListParams;
///     fn list_reviews(state, caller: Manager) { … }
/// }
/// ```
#[macro_export]
macro_rules! endpoint {
    (
        $(#[$attr:meta])*
        $method:ident $route:literal, tag = $tag:literal, id = $op:literal,
        $(security = $scheme:literal,)?
        ok = ($status:literal, $desc:literal $(, $ok:ty)?),
        $(location = $location:literal,)?
        errors = [$($errors:tt)*],
        $(body = $read_by_hand:ty,)?
        $(request_body($($described:tt)*),)?
        $(json $json:ident: $body:ty,)?
        $(query $($query:ident: $params:ty),+;)?
        fn $($handler:tt)*
    ) => {
        $crate::endpoint! {
            @emit [$(#[$attr])*] $method $route, $tag, $op, [$($scheme)? "bearer"],
            [$(request_body = $read_by_hand,)? $(request_body($($described)*),)?
                $(request_body = $body,)? $(params($($params),+),)?],
            [(status = $status, description = $desc $(, body = $ok)?
                $(, headers(("Location" = String, description = $location)))?)],
            [$($errors)*],
            [$($json: $crate::json::Json<$body>,)? $($($query: actix_web::web::Query<$params>,)+)?],
            fn $($handler)*
        }
    };
    // A file (`ok = Pdf`): a response of its own in `responses.rs`.
    (
        $(#[$attr:meta])*
        $method:ident $route:literal, tag = $tag:literal, id = $op:literal,
        ok = $file:ident,
        errors = [$($errors:tt)*],
        fn $($handler:tt)*
    ) => {
        $crate::endpoint! {
            @emit [$(#[$attr])*] $method $route, $tag, $op, ["bearer"], [],
            [(status = 200, response = $crate::responses::$file)],
            [$($errors)*],
            [],
            fn $($handler)*
        }
    };
    (
        @emit [$($attr:tt)*] $method:ident $route:literal, $tag:literal, $op:literal,
        [$scheme:literal $($bearer:literal)?],
        [$($request:tt)*], [$($ok:tt)*], [$($code:literal $err:ident),* $(,)?], [$($extra:tt)*],
        fn $name:ident($state:ident, $caller:ident: $role:ty $(, $arg:ident: $arg_ty:ty)* $(,)?)
            $block:block
    ) => {
        $($attr)*
        #[utoipa::path(
            tag = $tag, operation_id = $op,
            $($request)*
            responses(
                $($ok)*,
                $((status = $code, response = $crate::responses::$err),)*
            ),
            security(($scheme = []))
        )]
        #[$method($route)]
        pub async fn $name(
            $state: actix_web::web::Data<$crate::AppState>,
            $caller: $role,
            $($arg: $arg_ty,)*
            $($extra)*
        ) -> Result<actix_web::HttpResponse, $crate::problem::ApiError> $block
    };
}
