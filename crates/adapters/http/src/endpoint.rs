//! [`endpoint!`](crate::endpoint): one handler with its OpenAPI operation, written once.

/// Writes an annotated handler of the bearer-keyed API: its OpenAPI operation (tag, id,
/// request body, parameters, the answer it gives and the errors of its own), its route, and
/// its signature: the application state, the caller of the given role, the other arguments,
/// and a `Result<HttpResponse, ApiError>`.
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
#[macro_export]
macro_rules! endpoint {
    (
        $(#[$attr:meta])*
        $method:ident $route:literal, tag = $tag:literal, id = $op:literal,
        $(body = $body:ty,)?
        $(params($($param:path),+ $(,)?),)?
        ok = ($status:literal, $desc:literal $(, $ok:ty)?),
        $(location = $location:literal,)?
        errors = [$($errors:tt)*],
        fn $($handler:tt)*
    ) => {
        $crate::endpoint! {
            @emit [$(#[$attr])*] $method $route, $tag, $op,
            [$(request_body = $body,)? $(params($($param),+),)?],
            [(status = $status, description = $desc $(, body = $ok)?
                $(, headers(("Location" = String, description = $location)))?)],
            [$($errors)*],
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
            @emit [$(#[$attr])*] $method $route, $tag, $op, [],
            [(status = 200, response = $crate::responses::$file)],
            [$($errors)*],
            fn $($handler)*
        }
    };
    (
        @emit [$($attr:tt)*] $method:ident $route:literal, $tag:literal, $op:literal,
        [$($request:tt)*], [$($ok:tt)*], [$($code:literal $err:ident),* $(,)?],
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
            security(("bearer" = []))
        )]
        #[$method($route)]
        pub async fn $name(
            $state: actix_web::web::Data<$crate::AppState>,
            $caller: $role,
            $($arg: $arg_ty,)*
        ) -> Result<actix_web::HttpResponse, $crate::problem::ApiError> $block
    };
}
