//! The generic use cases against in-memory ports: what every declared resource gets.

use std::sync::Arc;

use async_trait::async_trait;
use faireplace_kernel::access::Role;
use faireplace_kernel::ids::{ApiKeyId, EstateId};
use faireplace_kernel::item::{Declared, Item, ItemFilter, ItemSort};
use faireplace_kernel::record::{IdValue, SqlValue};
use faireplace_kernel::values::Text;
use faireplace_kernel::{PageRequest, Sort, TenantId, text_enum, typed_id};
use faireplace_ports::audit::AuditAction;
use serde_json::json;

use crate::crud::{Checks, ItemService, item_query};
use crate::fakes::{FixedClock, KnownParents, MemoryItems};
use crate::{AppError, Principal, TenantPrincipal};

typed_id!(ShelfId);

text_enum!(
    /// What a shelf is made of.
    pub Material {
        Wood => "WOOD",
        Steel => "STEEL",
    }
);

/// A shelf of an estate.
#[derive(Debug, Clone, PartialEq, faireplace_kernel::Record)]
struct ShelfData {
    #[field(max_len = 20)]
    label: Text,
    material: Material,
    #[field(min = 1, max = 10)]
    boards: Option<i32>,
}

impl Declared for ShelfData {
    type Id = ShelfId;
    type Parent = EstateId;
    const NOUN: &'static str = "shelf";
    const PLURAL: &'static str = "shelves";
    const TABLE: &'static str = "shelves";
    const PATH: &'static str = "/api/estates/{estate_id}/shelves";
    const PARENT_FIELD: &'static str = "estate_id";
    const PARENT_TABLE: &'static str = "estates";
    const TAG: &'static str = "Shelves";
    const AUDIT: Option<&'static str> = Some("shelf");
    const SEARCH: &'static [&'static str] = &["label"];
    const FILTERS: &'static [&'static str] = &["material"];
    const SORTS: &'static [&'static str] = &["created_at", "label"];
}

struct World {
    service: ItemService<ShelfData>,
    repo: Arc<MemoryItems<ShelfData>>,
    clock: Arc<FixedClock>,
    tenant: TenantId,
    estate: EstateId,
}

fn principal(tenant: TenantId, role: Role) -> Principal {
    Principal::Tenant(TenantPrincipal {
        tenant_id: tenant,
        key: ApiKeyId::generate(),
        role,
        scopes: Vec::new(),
        lessee_id: None,
    })
}

fn world() -> World {
    let repo = Arc::new(MemoryItems::<ShelfData>::default());
    let clock = Arc::new(FixedClock::at(2026, 12, 7));
    let tenant = TenantId::generate();
    let estate = EstateId::generate();
    let parents = Arc::new(KnownParents::default());
    if let Ok(mut p) = parents.0.lock() {
        p.push((tenant, estate.0));
    }
    World {
        service: ItemService::new(repo.clone(), clock.clone(), Some(parents)),
        repo,
        clock,
        tenant,
        estate,
    }
}

fn fields(e: &AppError) -> Vec<String> {
    match e {
        AppError::Validation(v) => v.errors().iter().map(|f| f.field.clone()).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

#[tokio::test]
async fn a_created_item_is_read_from_json_and_its_creation_audited_in_its_journal() {
    let w = world();
    let me = principal(w.tenant, Role::Manager);
    let e = w
        .service
        .create(
            &me,
            w.estate,
            &json!({"label": "", "material": "GLASS", "boards": 11, "colour": "red"}),
        )
        .await
        .expect_err("invalid");
    assert_eq!(fields(&e), ["colour", "label", "material", "boards"]);
    assert!(
        w.repo
            .journals
            .lock()
            .map(|j| j.is_empty())
            .unwrap_or(false)
    );

    let shelf = w
        .service
        .create(
            &me,
            w.estate,
            &json!({"label": "Cellier", "material": "WOOD"}),
        )
        .await
        .expect("created");
    assert_eq!(shelf.parent, w.estate);
    assert_eq!(shelf.data.boards, None);
    let journals = w
        .repo
        .journals
        .lock()
        .map(|j| j.clone())
        .unwrap_or_default();
    let entry = journals[0].audit.clone().expect("audited");
    assert_eq!(entry.action, AuditAction::Create);
    assert_eq!(entry.entity_type, "shelf");
    assert_eq!(entry.entity_id, shelf.id.0);
    assert_eq!(entry.key_id, me.key_id());
    assert_eq!(entry.after.expect("after")["label"], "Cellier");
    assert!(entry.before.is_none());
}

#[tokio::test]
async fn a_patch_changes_what_it_names_and_keeps_the_rest() {
    let w = world();
    let me = principal(w.tenant, Role::Owner);
    let shelf = w
        .service
        .create(
            &me,
            w.estate,
            &json!({"label": "Cellier", "material": "WOOD", "boards": 4}),
        )
        .await
        .expect("created");
    w.clock.advance(chrono::Duration::minutes(5));
    let patched = w
        .service
        .patch(
            &me,
            w.estate,
            shelf.id,
            &json!({"boards": null, "material": "STEEL"}),
        )
        .await
        .expect("patched");
    assert_eq!(patched.data.label.as_str(), "Cellier");
    assert_eq!(patched.data.material, Material::Steel);
    assert_eq!(patched.data.boards, None);
    assert_eq!(patched.created_at, shelf.created_at);
    assert!(patched.updated_at > shelf.updated_at);
    let journals = w
        .repo
        .journals
        .lock()
        .map(|j| j.clone())
        .unwrap_or_default();
    let entry = journals[1].audit.clone().expect("audited");
    assert_eq!(entry.action, AuditAction::Update);
    assert_eq!(entry.before.expect("before")["boards"], 4);
    assert_eq!(
        entry.after.expect("after")["boards"],
        serde_json::Value::Null
    );
    // A patch that makes the record invalid changes nothing.
    let e = w
        .service
        .patch(&me, w.estate, shelf.id, &json!({"label": null}))
        .await
        .expect_err("label required");
    assert_eq!(fields(&e), ["label"]);
    let e = w
        .service
        .patch(&me, w.estate, shelf.id, &json!(["not", "an", "object"]))
        .await
        .expect_err("not an object");
    assert_eq!(fields(&e), ["body"]);
}

#[tokio::test]
async fn what_hangs_under_a_parent_is_reached_through_that_parent_only() {
    let w = world();
    let me = principal(w.tenant, Role::Manager);
    let elsewhere = EstateId::generate();
    let e = w
        .service
        .create(&me, elsewhere, &json!({"label": "X", "material": "WOOD"}))
        .await
        .expect_err("unknown parent");
    assert!(matches!(e, AppError::NotFound(_)), "{e:?}");
    let shelf = w
        .service
        .create(&me, w.estate, &json!({"label": "X", "material": "WOOD"}))
        .await
        .expect("created");
    let e = w
        .service
        .get(&me, elsewhere, shelf.id)
        .await
        .expect_err("another parent");
    assert!(matches!(e, AppError::NotFound(_)), "{e:?}");
    // Another tenant does not see it at all; a LESSEE key may not manage.
    let stranger = principal(TenantId::generate(), Role::Owner);
    assert!(matches!(
        w.service.get(&stranger, w.estate, shelf.id).await,
        Err(AppError::NotFound(_))
    ));
    let lessee = principal(w.tenant, Role::Lessee);
    assert!(matches!(
        w.service.get(&lessee, w.estate, shelf.id).await,
        Err(AppError::Forbidden(_))
    ));
}

#[tokio::test]
async fn lists_filter_search_and_sort_under_their_parent() {
    let w = world();
    let me = principal(w.tenant, Role::Manager);
    for (label, material) in [("Cellier", "WOOD"), ("Garage", "STEEL"), ("Cave", "WOOD")] {
        w.service
            .create(
                &me,
                w.estate,
                &json!({"label": label, "material": material}),
            )
            .await
            .expect("created");
    }
    let query = |filter: ItemFilter, search: Option<&str>, descending: bool| {
        item_query::<ShelfData>(
            PageRequest::new(Some(1), Some(10)).expect("page"),
            Sort {
                field: <ItemSort<ShelfData> as faireplace_kernel::paging::SortField>::from_name(
                    "label",
                )
                .expect("sort"),
                descending,
            },
            search.map(str::to_owned),
            filter,
        )
    };
    let wood = ItemFilter {
        parent: None,
        equals: vec![("material".into(), SqlValue::Text(Some("WOOD".into())))],
    };
    let page = w
        .service
        .list(&me, w.estate, query(wood, None, true))
        .await
        .expect("listed");
    let labels: Vec<&str> = page.items.iter().map(|s| s.data.label.as_str()).collect();
    assert_eq!(labels, ["Cellier", "Cave"]);
    let page = w
        .service
        .list(
            &me,
            w.estate,
            query(ItemFilter::default(), Some("gar"), false),
        )
        .await
        .expect("listed");
    assert_eq!(page.total, 1);
    let page = w
        .service
        .list(
            &me,
            EstateId::generate(),
            query(ItemFilter::default(), None, false),
        )
        .await;
    assert!(matches!(page, Err(AppError::NotFound(_))));
}

/// No steel shelf may hold more than 6 boards, and a wooden one cannot be deleted.
struct ShelfRules;

#[async_trait]
impl Checks<Item<ShelfData>> for ShelfRules {
    async fn check(&self, _: TenantId, item: &mut Item<ShelfData>) -> Result<(), AppError> {
        if item.data.material == Material::Steel && item.data.boards.is_some_and(|b| b > 6) {
            return Err(AppError::validation("boards", "at most 6 on steel"));
        }
        Ok(())
    }

    fn check_delete(&self, item: &Item<ShelfData>) -> Result<(), AppError> {
        if item.data.material == Material::Wood {
            return Err(AppError::Conflict {
                code: faireplace_kernel::ErrorCode::Conflict,
                message: "wooden shelves stay".into(),
            });
        }
        Ok(())
    }
}

#[tokio::test]
async fn checks_run_before_each_save_and_delete_and_a_delete_is_audited() {
    let w = world();
    let service = w.service.clone().checked(Arc::new(ShelfRules));
    let me = principal(w.tenant, Role::Manager);
    let e = service
        .create(
            &me,
            w.estate,
            &json!({"label": "Rack", "material": "STEEL", "boards": 8}),
        )
        .await
        .expect_err("checked");
    assert_eq!(fields(&e), ["boards"]);
    let wood = service
        .create(&me, w.estate, &json!({"label": "Bois", "material": "WOOD"}))
        .await
        .expect("created");
    assert!(matches!(
        service.delete(&me, w.estate, wood.id).await,
        Err(AppError::Conflict { .. })
    ));
    let steel = service
        .create(
            &me,
            w.estate,
            &json!({"label": "Rack", "material": "STEEL"}),
        )
        .await
        .expect("created");
    service
        .delete(&me, w.estate, steel.id)
        .await
        .expect("deleted");
    let journals = w
        .repo
        .journals
        .lock()
        .map(|j| j.clone())
        .unwrap_or_default();
    let last = journals
        .last()
        .and_then(|j| j.audit.clone())
        .expect("audited");
    assert_eq!(last.action, AuditAction::Delete);
    assert_eq!(last.entity_id, steel.id.to_uuid());
    assert_eq!(last.before.expect("before")["label"], "Rack");
}
