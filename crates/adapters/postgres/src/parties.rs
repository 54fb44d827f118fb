//! Owners, contacts and lessees in PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_kernel::values::{Email, Iban, Phone, Siret, Text};
use faireplace_kernel::{Page, TenantId};
use faireplace_parties::{
    Contact, ContactData, ContactId, ContactKind, Lessee, LesseeData, LesseeId, Owner, OwnerData,
    OwnerId, OwnerKind,
};
use faireplace_ports::audit::Journal;
use faireplace_ports::{ListQuery, RepoError, Repository};
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{
    AddressColumns, HasTotal, ListFilter, ListSource, address_parts, affected_one, deleted_one,
    fetch_by_id, list_page, push_search, s, text,
};

fn push_email_and_search(
    email: &Option<Email>,
    search: &Option<String>,
    name_columns: &[&str],
    qb: &mut QueryBuilder<Postgres>,
) {
    if let Some(email) = email {
        qb.push(" AND email = ");
        qb.push_bind(email.as_str().to_owned());
    }
    push_search(search.as_deref(), name_columns, qb);
}

// ---------------------------------------------------------------------------------------------
// Owners

/// Owners in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgOwners(pub Db);

#[derive(sqlx::FromRow)]
struct OwnerRow {
    id: Uuid,
    kind: String,
    first_name: Option<String>,
    last_name: Option<String>,
    company_name: Option<String>,
    siret: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    #[sqlx(flatten)]
    address: AddressColumns,
    iban: Option<String>,
    external_reference_id: Option<String>,
    notes: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[sqlx(default)]
    total: i64,
}

impl HasTotal for OwnerRow {
    fn total(&self) -> i64 {
        self.total
    }
}

impl From<OwnerRow> for Owner {
    fn from(r: OwnerRow) -> Self {
        Owner {
            id: OwnerId(r.id),
            data: OwnerData {
                kind: OwnerKind::parse(&r.kind).unwrap_or(OwnerKind::Person),
                first_name: text(r.first_name),
                last_name: text(r.last_name),
                company_name: text(r.company_name),
                siret: r.siret.map(Siret::from_trusted),
                email: r.email.map(Email::from_trusted),
                phone: r.phone.map(Phone::from_trusted),
                address: r.address.into_address(),
                iban: r.iban.map(Iban::from_trusted),
                external_reference_id: text(r.external_reference_id),
                notes: text(r.notes),
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

struct OwnerFilters;

impl ListFilter<Owner> for OwnerFilters {
    fn push(query: &ListQuery<Owner>, qb: &mut QueryBuilder<Postgres>) {
        if let Some(kind) = query.filter.kind {
            qb.push(" AND kind = ");
            qb.push_bind(kind.as_str());
        }
        push_email_and_search(
            &query.filter.email,
            &query.search,
            &["first_name", "last_name", "company_name"],
            qb,
        );
    }
}

#[async_trait]
impl Repository<Owner> for PgOwners {
    async fn insert(
        &self,
        tenant: TenantId,
        o: &Owner,
        journal: &Journal,
    ) -> Result<Owner, RepoError> {
        let d = &o.data;
        let [street, postal_code, city, country] = address_parts(&d.address);
        let q = sqlx::query(
            "INSERT INTO owners (tenant_id, id, kind, first_name, last_name, company_name, siret, \
             email, phone, address_street, address_postal_code, address_city, address_country, \
             iban, external_reference_id, notes, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        )
        .bind(tenant.as_uuid())
        .bind(o.id.0)
        .bind(d.kind.as_str())
        .bind(s(&d.first_name))
        .bind(s(&d.last_name))
        .bind(s(&d.company_name))
        .bind(s(&d.siret))
        .bind(s(&d.email))
        .bind(s(&d.phone))
        .bind(street)
        .bind(postal_code)
        .bind(city)
        .bind(country)
        .bind(s(&d.iban))
        .bind(s(&d.external_reference_id))
        .bind(s(&d.notes))
        .bind(o.created_at)
        .bind(o.updated_at);
        affected_one(&self.0, tenant, q, journal)
            .await
            .map(|_| o.clone())
    }

    async fn get(&self, tenant: TenantId, id: OwnerId) -> Result<Option<Owner>, RepoError> {
        let row: Option<OwnerRow> = fetch_by_id(
            &self.0,
            "SELECT * FROM owners WHERE tenant_id = scope.tenant AND id = $2",
            tenant,
            id.0,
        )
        .await?;
        Ok(row.map(Owner::from))
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<Owner>,
    ) -> Result<Page<Owner>, RepoError> {
        list_page::<Owner, OwnerRow, OwnerFilters>(
            &self.0,
            tenant,
            &ListSource::table("owners"),
            query,
            crate::common::infallible(Owner::from),
        )
        .await
    }

    async fn update(
        &self,
        tenant: TenantId,
        o: &Owner,
        journal: &Journal,
    ) -> Result<Option<Owner>, RepoError> {
        let d = &o.data;
        let [street, postal_code, city, country] = address_parts(&d.address);
        let q = sqlx::query(
            "UPDATE owners SET kind = $3, first_name = $4, last_name = $5, company_name = $6, \
             siret = $7, email = $8, phone = $9, address_street = $10, address_postal_code = $11, \
             address_city = $12, address_country = $13, iban = $14, external_reference_id = $15, \
             notes = $16, updated_at = $17 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(o.id.0)
        .bind(d.kind.as_str())
        .bind(s(&d.first_name))
        .bind(s(&d.last_name))
        .bind(s(&d.company_name))
        .bind(s(&d.siret))
        .bind(s(&d.email))
        .bind(s(&d.phone))
        .bind(street)
        .bind(postal_code)
        .bind(city)
        .bind(country)
        .bind(s(&d.iban))
        .bind(s(&d.external_reference_id))
        .bind(s(&d.notes))
        .bind(o.updated_at);
        Ok(affected_one(&self.0, tenant, q, journal)
            .await?
            .then(|| o.clone()))
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: OwnerId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        let q = sqlx::query("DELETE FROM owners WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(id.0);
        deleted_one(&self.0, tenant, q, journal).await
    }
}

// ---------------------------------------------------------------------------------------------
// Contacts

/// Contacts in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgContacts(pub Db);

#[derive(sqlx::FromRow)]
struct ContactRow {
    id: Uuid,
    kind: String,
    first_name: Option<String>,
    last_name: Option<String>,
    company_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    #[sqlx(flatten)]
    address: AddressColumns,
    notes: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[sqlx(default)]
    total: i64,
}

impl HasTotal for ContactRow {
    fn total(&self) -> i64 {
        self.total
    }
}

impl From<ContactRow> for Contact {
    fn from(r: ContactRow) -> Self {
        Contact {
            id: ContactId(r.id),
            data: ContactData {
                kind: ContactKind::parse(&r.kind).unwrap_or(ContactKind::Other),
                first_name: text(r.first_name),
                last_name: text(r.last_name),
                company_name: text(r.company_name),
                email: r.email.map(Email::from_trusted),
                phone: r.phone.map(Phone::from_trusted),
                address: r.address.into_address(),
                notes: text(r.notes),
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

struct ContactFilters;

impl ListFilter<Contact> for ContactFilters {
    fn push(query: &ListQuery<Contact>, qb: &mut QueryBuilder<Postgres>) {
        if let Some(kind) = query.filter.kind {
            qb.push(" AND kind = ");
            qb.push_bind(kind.as_str());
        }
        push_email_and_search(
            &query.filter.email,
            &query.search,
            &["first_name", "last_name", "company_name"],
            qb,
        );
    }
}

#[async_trait]
impl Repository<Contact> for PgContacts {
    async fn insert(
        &self,
        tenant: TenantId,
        c: &Contact,
        journal: &Journal,
    ) -> Result<Contact, RepoError> {
        let d = &c.data;
        let [street, postal_code, city, country] = address_parts(&d.address);
        let q = sqlx::query(
            "INSERT INTO contacts (tenant_id, id, kind, first_name, last_name, company_name, \
             email, phone, address_street, address_postal_code, address_city, address_country, \
             notes, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(tenant.as_uuid())
        .bind(c.id.0)
        .bind(d.kind.as_str())
        .bind(s(&d.first_name))
        .bind(s(&d.last_name))
        .bind(s(&d.company_name))
        .bind(s(&d.email))
        .bind(s(&d.phone))
        .bind(street)
        .bind(postal_code)
        .bind(city)
        .bind(country)
        .bind(s(&d.notes))
        .bind(c.created_at)
        .bind(c.updated_at);
        affected_one(&self.0, tenant, q, journal)
            .await
            .map(|_| c.clone())
    }

    async fn get(&self, tenant: TenantId, id: ContactId) -> Result<Option<Contact>, RepoError> {
        let row: Option<ContactRow> = fetch_by_id(
            &self.0,
            "SELECT * FROM contacts WHERE tenant_id = scope.tenant AND id = $2",
            tenant,
            id.0,
        )
        .await?;
        Ok(row.map(Contact::from))
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<Contact>,
    ) -> Result<Page<Contact>, RepoError> {
        list_page::<Contact, ContactRow, ContactFilters>(
            &self.0,
            tenant,
            &ListSource::table("contacts"),
            query,
            crate::common::infallible(Contact::from),
        )
        .await
    }

    async fn update(
        &self,
        tenant: TenantId,
        c: &Contact,
        journal: &Journal,
    ) -> Result<Option<Contact>, RepoError> {
        let d = &c.data;
        let [street, postal_code, city, country] = address_parts(&d.address);
        let q = sqlx::query(
            "UPDATE contacts SET kind = $3, first_name = $4, last_name = $5, company_name = $6, \
             email = $7, phone = $8, address_street = $9, address_postal_code = $10, \
             address_city = $11, address_country = $12, notes = $13, updated_at = $14 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(c.id.0)
        .bind(d.kind.as_str())
        .bind(s(&d.first_name))
        .bind(s(&d.last_name))
        .bind(s(&d.company_name))
        .bind(s(&d.email))
        .bind(s(&d.phone))
        .bind(street)
        .bind(postal_code)
        .bind(city)
        .bind(country)
        .bind(s(&d.notes))
        .bind(c.updated_at);
        Ok(affected_one(&self.0, tenant, q, journal)
            .await?
            .then(|| c.clone()))
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: ContactId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        let q = sqlx::query("DELETE FROM contacts WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(id.0);
        deleted_one(&self.0, tenant, q, journal).await
    }
}

// ---------------------------------------------------------------------------------------------
// Lessees

/// Lessees in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgLessees(pub Db);

#[derive(sqlx::FromRow)]
struct LesseeRow {
    id: Uuid,
    first_name: String,
    last_name: String,
    birth_date: Option<NaiveDate>,
    email: Option<String>,
    phone: Option<String>,
    #[sqlx(flatten)]
    address: AddressColumns,
    notes: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[sqlx(default)]
    total: i64,
}

impl HasTotal for LesseeRow {
    fn total(&self) -> i64 {
        self.total
    }
}

impl From<LesseeRow> for Lessee {
    fn from(r: LesseeRow) -> Self {
        Lessee {
            id: LesseeId(r.id),
            data: LesseeData {
                first_name: Text::from_trusted(r.first_name),
                last_name: Text::from_trusted(r.last_name),
                birth_date: r.birth_date,
                email: r.email.map(Email::from_trusted),
                phone: r.phone.map(Phone::from_trusted),
                address: r.address.into_address(),
                notes: text(r.notes),
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

struct LesseeFilters;

impl ListFilter<Lessee> for LesseeFilters {
    fn push(query: &ListQuery<Lessee>, qb: &mut QueryBuilder<Postgres>) {
        push_email_and_search(
            &query.filter.email,
            &query.search,
            &["first_name", "last_name"],
            qb,
        );
    }
}

#[async_trait]
impl Repository<Lessee> for PgLessees {
    async fn insert(
        &self,
        tenant: TenantId,
        l: &Lessee,
        journal: &Journal,
    ) -> Result<Lessee, RepoError> {
        let d = &l.data;
        let [street, postal_code, city, country] = address_parts(&d.address);
        let q = sqlx::query(
            "INSERT INTO lessees (tenant_id, id, first_name, last_name, birth_date, email, phone, \
             address_street, address_postal_code, address_city, address_country, notes, \
             created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(tenant.as_uuid())
        .bind(l.id.0)
        .bind(d.first_name.as_str())
        .bind(d.last_name.as_str())
        .bind(d.birth_date)
        .bind(s(&d.email))
        .bind(s(&d.phone))
        .bind(street)
        .bind(postal_code)
        .bind(city)
        .bind(country)
        .bind(s(&d.notes))
        .bind(l.created_at)
        .bind(l.updated_at);
        affected_one(&self.0, tenant, q, journal)
            .await
            .map(|_| l.clone())
    }

    async fn get(&self, tenant: TenantId, id: LesseeId) -> Result<Option<Lessee>, RepoError> {
        let row: Option<LesseeRow> = fetch_by_id(
            &self.0,
            "SELECT * FROM lessees WHERE tenant_id = scope.tenant AND id = $2",
            tenant,
            id.0,
        )
        .await?;
        Ok(row.map(Lessee::from))
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<Lessee>,
    ) -> Result<Page<Lessee>, RepoError> {
        list_page::<Lessee, LesseeRow, LesseeFilters>(
            &self.0,
            tenant,
            &ListSource::table("lessees"),
            query,
            crate::common::infallible(Lessee::from),
        )
        .await
    }

    async fn update(
        &self,
        tenant: TenantId,
        l: &Lessee,
        journal: &Journal,
    ) -> Result<Option<Lessee>, RepoError> {
        let d = &l.data;
        let [street, postal_code, city, country] = address_parts(&d.address);
        let q = sqlx::query(
            "UPDATE lessees SET first_name = $3, last_name = $4, birth_date = $5, email = $6, \
             phone = $7, address_street = $8, address_postal_code = $9, address_city = $10, \
             address_country = $11, notes = $12, updated_at = $13 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(l.id.0)
        .bind(d.first_name.as_str())
        .bind(d.last_name.as_str())
        .bind(d.birth_date)
        .bind(s(&d.email))
        .bind(s(&d.phone))
        .bind(street)
        .bind(postal_code)
        .bind(city)
        .bind(country)
        .bind(s(&d.notes))
        .bind(l.updated_at);
        Ok(affected_one(&self.0, tenant, q, journal)
            .await?
            .then(|| l.clone()))
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: LesseeId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        let q = sqlx::query("DELETE FROM lessees WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(id.0);
        deleted_one(&self.0, tenant, q, journal).await
    }
}
