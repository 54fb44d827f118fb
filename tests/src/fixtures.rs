//! Typed fixture builders: what a test needs, made through the API in a line.
//!
//! ```ignore
//! let (app, t) = TestApp::with_tenant("A").await;
//! let k = &t.owner_key;
//! let lease = app.lease(k).active().with_lessees(2).create().await;
//! let estate = app.estate(k).reference("LOT-A").tantiemes(200).create().await;
//! ```
//!
//! Each builder starts from a valid body, takes typed setters (and [`Fixture::with`] for any
//! other field), makes what the record needs and was not given (an estate its owner, place and
//! type; a lease its estate, type and lessees), POSTs it, asserts the 201 and answers
//! [`Created`]: the id and the body as the server answered it.

use std::marker::PhantomData;

use serde_json::{Value, json};

use crate::{Answer, TestApp, TestTenant};

/// A record the API created.
#[derive(Debug, Clone)]
pub struct Created {
    pub id: String,
    pub body: Value,
    /// What the builder made beside it, by kind: a lease's `charges`.
    pub made: Vec<String>,
}

impl Created {
    /// `field` of the answered body, as a string (an id it refers to).
    #[track_caller]
    pub fn str(&self, field: &str) -> String {
        self.body[field].as_str().expect(field).to_owned()
    }
}

impl Answer {
    /// Asserts a 201 and answers the created record.
    #[track_caller]
    pub fn created(&self) -> Created {
        self.assert_status(201);
        Created {
            id: self.id(),
            body: self.body.clone(),
            made: Vec::new(),
        }
    }

    /// The body's `id`.
    #[track_caller]
    pub fn id(&self) -> String {
        self.body["id"].as_str().expect("id").to_owned()
    }

    /// The seconds of `Retry-After`.
    #[track_caller]
    pub fn retry_after(&self) -> u64 {
        let header = self.header("retry-after").expect("retry-after");
        header.parse().expect("seconds")
    }

    /// The body's `pagination.total`.
    #[track_caller]
    pub fn total(&self) -> u64 {
        self.body["pagination"]["total"]
            .as_u64()
            .unwrap_or_else(|| panic!("a paginated list: {}", self.text))
    }
}

/// `body` with every field of `fields` (an object) set.
pub fn merged(mut body: Value, fields: Value) -> Value {
    for (k, v) in fields.as_object().expect("an object of fields") {
        body[k] = v.clone();
    }
    body
}

/// The id of the first row of `rows` (an array) that `pick` accepts.
#[track_caller]
pub fn id_of(rows: &Value, pick: impl Fn(&Value) -> bool) -> String {
    row_of(rows, pick)["id"].as_str().expect("id").to_owned()
}

/// The first row of `rows` (an array) that `pick` accepts.
#[track_caller]
pub fn row_of(rows: &Value, pick: impl Fn(&Value) -> bool) -> &Value {
    rows.as_array()
        .expect("an array of rows")
        .iter()
        .find(|row| pick(row))
        .unwrap_or_else(|| panic!("no such row in {rows}"))
}

/// What a builder makes: where it is posted, its body before any setter, and what it makes
/// itself when the test did not say.
pub trait Kind: Sized {
    const PATH: &'static str;
    fn defaults() -> Value;
    /// Fills what `body` lacks and the record needs (making other records through `app`).
    fn complete(
        _app: &TestApp,
        _key: &str,
        _fixture: &mut Fixture<'_, Self>,
    ) -> impl Future<Output = ()> {
        async {}
    }
}

/// A record to create: a body made by typed setters, completed and POSTed by [`Fixture::create`].
#[must_use = "nothing is created before .create().await"]
pub struct Fixture<'a, K: Kind> {
    app: &'a TestApp,
    key: String,
    pub body: Value,
    /// Lessees to make for a lease.
    new_lessees: usize,
    /// Charges to add to a lease once it is created.
    charges: Vec<Value>,
    /// The code of the record's type (an estate's, a lease's), when not the usual one.
    type_code: Option<String>,
    kind: PhantomData<K>,
}

impl<'a, K: Kind> Fixture<'a, K> {
    fn new(app: &'a TestApp, key: &str) -> Self {
        Fixture {
            app,
            key: key.to_owned(),
            body: K::defaults(),
            new_lessees: 0,
            charges: Vec::new(),
            type_code: None,
            kind: PhantomData,
        }
    }

    /// Sets any field of the body (null removes nothing: it is sent as null).
    pub fn with(mut self, field: &str, value: impl Into<Value>) -> Self {
        self.body[field] = value.into();
        self
    }

    /// Sets every field of `fields` (an object).
    pub fn merge(mut self, fields: Value) -> Self {
        self.body = merged(self.body, fields);
        self
    }

    /// Of the type of this code (an estate's: FLAT unless said; a lease's: UNFURNISHED).
    pub fn of_type(mut self, code: &str) -> Self {
        self.type_code = Some(code.to_owned());
        self
    }

    fn code_or(&self, usual: &'static str) -> String {
        self.type_code.clone().unwrap_or_else(|| usual.to_owned())
    }

    fn lacks(&self, field: &str) -> bool {
        self.body.get(field).is_none_or(Value::is_null)
    }

    /// Completes, POSTs and answers the server's answer, whatever it is.
    pub async fn post(mut self) -> Answer {
        let (app, key) = (self.app, self.key.clone());
        K::complete(app, &key, &mut self).await;
        app.post(K::PATH, &key, self.body).await
    }

    /// Completes, POSTs, asserts the 201 and answers the record.
    pub async fn create(mut self) -> Created {
        let (app, key) = (self.app, self.key.clone());
        K::complete(app, &key, &mut self).await;
        let charges = std::mem::take(&mut self.charges);
        let mut created = app.post(K::PATH, &key, self.body).await.created();
        for charge in charges {
            let url = format!("/api/leases/{}/charges", created.id);
            created
                .made
                .push(app.post(&url, &key, charge).await.created().id);
        }
        created
    }

    /// [`Fixture::create`]'s id.
    pub async fn id(self) -> String {
        self.create().await.id
    }
}

macro_rules! setters {
    ($kind:ty { $($name:ident: $field:literal),* $(,)? }) => {
        impl Fixture<'_, $kind> {
            $(
                #[doc = concat!("Sets `", $field, "`.")]
                pub fn $name(self, value: impl Into<Value>) -> Self {
                    self.with($field, value)
                }
            )*
        }
    };
}

/// A kind that needs nothing but its body.
macro_rules! plain_kind {
    ($kind:ty, $path:literal, $defaults:expr) => {
        impl Kind for $kind {
            const PATH: &'static str = $path;
            fn defaults() -> Value {
                $defaults
            }
        }
    };
}

pub struct Owner;
pub struct Place;
pub struct Estate;
pub struct Lessee;
pub struct Contact;
pub struct Lease;
pub struct ChargeCategory;
pub struct DistributionKey;
pub struct Meter;

plain_kind!(
    Owner,
    "/api/owners",
    crate::person_owner("Jeanne", "Martin")
);
setters!(Owner { email: "email" });
impl Fixture<'_, Owner> {
    /// A person of this name.
    pub fn named(self, first: &str, last: &str) -> Self {
        self.merge(crate::person_owner(first, last))
    }

    /// A company of this name: the person's names go, what else was set stays.
    pub fn company(mut self, name: &str) -> Self {
        self.body = merged(
            self.body,
            json!({"kind": "COMPANY", "company_name": name, "first_name": null, "last_name": null}),
        );
        self
    }
}

plain_kind!(
    Place,
    "/api/places",
    json!({"name": "Les Tilleuls",
               "address": {"street": "1 rue des Tilleuls", "postal_code": "69003", "city": "Lyon"}})
);
setters!(Place {
    name: "name",
    address: "address",
    tantiemes: "total_tantiemes"
});

impl Kind for Estate {
    const PATH: &'static str = "/api/estates";
    fn defaults() -> Value {
        json!({})
    }
    /// An owner, a place (unless it has an address of its own) and the FLAT type.
    async fn complete(app: &TestApp, key: &str, f: &mut Fixture<'_, Self>) {
        if f.lacks("owner_id") {
            f.body["owner_id"] = app.owner(key).id().await.into();
        }
        if f.lacks("place_id") && f.lacks("address") {
            f.body["place_id"] = app.place(key).id().await.into();
        }
        if f.lacks("type_id") && f.lacks("type_code") {
            f.body["type_id"] = app.estate_type(key, &f.code_or("FLAT")).await.into();
        }
    }
}
setters!(Estate {
    place: "place_id",
    owner: "owner_id",
    reference: "reference",
    tantiemes: "tantiemes",
    surface: "surface_m2",
    address: "address",
});

plain_kind!(
    Lessee,
    "/api/lessees",
    json!({"first_name": "Anne", "last_name": "Durand"})
);
setters!(Lessee { email: "email" });
impl Fixture<'_, Lessee> {
    pub fn named(self, first: &str, last: &str) -> Self {
        self.merge(json!({"first_name": first, "last_name": last}))
    }
}

plain_kind!(
    Contact,
    "/api/contacts",
    json!({"kind": "GUARANTOR", "first_name": "Paul", "last_name": "Bernard"})
);
setters!(Contact {
    kind: "kind",
    email: "email"
});
impl Fixture<'_, Contact> {
    /// A company: the person's names go, what else was set stays.
    pub fn company(mut self, name: &str) -> Self {
        self.body = merged(
            self.body,
            json!({"company_name": name, "first_name": null, "last_name": null}),
        );
        self
    }
}

impl Kind for Lease {
    const PATH: &'static str = "/api/leases";
    fn defaults() -> Value {
        json!({"start_date": "2026-01-01", "rent_amount": 700, "lessees": []})
    }
    /// An estate (with its owner and place), the UNFURNISHED type and the new lessees; one
    /// lessee when none was named.
    async fn complete(app: &TestApp, key: &str, f: &mut Fixture<'_, Self>) {
        if f.lacks("estate_id") {
            f.body["estate_id"] = app.estate(key).id().await.into();
        }
        if f.lacks("lease_type_id") {
            let code = f.code_or("UNFURNISHED");
            f.body["lease_type_id"] = app.lease_type(key, &code).await.into();
        }
        let named = f.body["lessees"].as_array().map_or(0, Vec::len);
        let wanted = if named == 0 {
            f.new_lessees.max(1)
        } else {
            f.new_lessees
        };
        const NAMES: [&str; 4] = ["Anne", "Marc", "Léa", "Hugo"];
        for i in 0..wanted {
            let lessee = app.lessee(key).with("first_name", NAMES[i % 4]).id().await;
            f.body["lessees"]
                .as_array_mut()
                .expect("lessees")
                .push(json!({"lessee_id": lessee}));
        }
    }
}
setters!(Lease {
    estate: "estate_id",
    start: "start_date",
    end: "end_date",
    rent: "rent_amount",
    charges_amount: "charges_amount",
    deposit: "deposit_amount",
    status: "status",
});
impl Fixture<'_, Lease> {
    /// Signed and running.
    pub fn active(self) -> Self {
        self.status("ACTIVE")
    }

    /// Not signed yet (the default status).
    pub fn draft(self) -> Self {
        self.status("DRAFT")
    }

    /// With `n` new lessees (besides those named by [`Fixture::lessee`]).
    pub fn with_lessees(mut self, n: usize) -> Self {
        self.new_lessees = n;
        self
    }

    /// With this lessee.
    pub fn lessee(mut self, id: &str) -> Self {
        self.body["lessees"]
            .as_array_mut()
            .expect("lessees")
            .push(json!({"lessee_id": id}));
        self
    }

    /// With this charge (a body of `POST /api/leases/{id}/charges`), added once it is created;
    /// [`Created::made`] lists their ids.
    pub fn with_charge(mut self, charge: Value) -> Self {
        self.charges.push(charge);
        self
    }
}

plain_kind!(
    ChargeCategory,
    "/api/charge-categories",
    json!({"name": "Eau", "category_type": "WATER_HEATING"})
);
setters!(ChargeCategory {
    name: "name",
    category_type: "category_type",
    recovery_rate: "recovery_rate"
});

plain_kind!(
    DistributionKey,
    "/api/distribution-keys",
    json!({"name": "Parts", "calculation_type": "PARTS_EGALES"})
);
setters!(DistributionKey {
    name: "name",
    calculation_type: "calculation_type"
});

plain_kind!(Meter, "/api/meters", json!({"meter_type": "WATER_COLD"}));
setters!(Meter {
    place: "place_id",
    estate: "estate_id",
    meter_type: "meter_type",
    parent: "parent_meter_id",
    billing_type: "billing_type",
});

/// `app.owner(key)`, `app.lease(key)`…: a builder of each kind, for the tenant of `key`.
macro_rules! builders {
    ($($name:ident: $kind:ty),* $(,)?) => {
        impl TestApp {
            $(
                #[doc = concat!("A builder of ", stringify!($kind), " for the tenant of `key`.")]
                pub fn $name(&self, key: &str) -> Fixture<'_, $kind> {
                    Fixture::new(self, key)
                }
            )*
        }
    };
}

builders! {
    owner: Owner,
    place: Place,
    estate: Estate,
    lessee: Lessee,
    contact: Contact,
    lease: Lease,
    charge_category: ChargeCategory,
    distribution_key: DistributionKey,
    meter: Meter,
}

impl TestApp {
    /// A new app and a tenant in it.
    pub async fn with_tenant(name: &str) -> (TestApp, TestTenant) {
        let app = TestApp::spawn().await;
        let t = app.tenant(name).await;
        (app, t)
    }

    /// POSTs `body`, asserts the 201 and answers the record.
    pub async fn create(&self, path: &str, key: &str, body: Value) -> Created {
        self.post(path, key, body).await.created()
    }

    /// The id of the estate type `code` (FLAT, HOUSE…).
    pub async fn estate_type(&self, key: &str, code: &str) -> String {
        self.id_by_code("/api/types/estate?limit=100", key, code)
            .await
    }

    /// The id of the lease type `code` (UNFURNISHED, FURNISHED…).
    pub async fn lease_type(&self, key: &str, code: &str) -> String {
        self.id_by_code("/api/lease-types?limit=100", key, code)
            .await
    }

    /// The ids of the rows of the list at `path` by their `code`, as an object.
    pub async fn ids_by_code(&self, path: &str, key: &str) -> Value {
        let res = self.get(path, key).await;
        res.assert_status(200);
        let mut ids = json!({});
        for row in res.body["data"].as_array().expect("data") {
            ids[row["code"].as_str().expect("code")] = row["id"].clone();
        }
        ids
    }

    /// The id of the row of the list at `path` whose `code` is `code`.
    /// Looked up once per tenant key.
    pub async fn id_by_code(&self, path: &str, key: &str, code: &str) -> String {
        let at = (key.to_owned(), path.to_owned(), code.to_owned());
        if let Some(id) = self.codes.lock().expect("codes").get(&at) {
            return id.clone();
        }
        let id = self.find_id(path, key, |row| row["code"] == code).await;
        self.codes.lock().expect("codes").insert(at, id.clone());
        id
    }

    /// The id of the first row of the list at `path` that `pick` accepts.
    pub async fn find_id(&self, path: &str, key: &str, pick: impl Fn(&Value) -> bool) -> String {
        let res = self.get(path, key).await;
        res.assert_status(200);
        id_of(&res.body["data"], pick)
    }
}

/// One request of a table of requests: see [`TestApp::assert_each_problem`].
pub mod call {
    use reqwest::Method;
    use serde_json::Value;

    /// A method, a path and a body.
    #[derive(Debug, Clone)]
    pub struct Call(pub Method, pub String, pub Option<Value>);

    pub fn get(path: &str) -> Call {
        Call(Method::GET, path.to_owned(), None)
    }

    pub fn delete(path: &str) -> Call {
        Call(Method::DELETE, path.to_owned(), None)
    }

    pub fn post(path: &str, body: Value) -> Call {
        Call(Method::POST, path.to_owned(), Some(body))
    }

    pub fn put(path: &str, body: Value) -> Call {
        Call(Method::PUT, path.to_owned(), Some(body))
    }

    pub fn patch(path: &str, body: Value) -> Call {
        Call(Method::PATCH, path.to_owned(), Some(body))
    }
}

impl TestApp {
    /// Sends each call with `key`, in order, and asserts each answers the problem `status`
    /// `code` (see [`Answer::assert_problem`]).
    pub async fn assert_each_problem(
        &self,
        key: &str,
        status: u16,
        code: &str,
        calls: impl IntoIterator<Item = call::Call>,
    ) {
        for call::Call(method, path, body) in calls {
            let res = self.send(method.clone(), &path, key, body).await;
            assert_eq!(res.status.as_u16(), status, "{method} {path}: {}", res.text);
            res.assert_problem(status, code);
        }
    }
}
