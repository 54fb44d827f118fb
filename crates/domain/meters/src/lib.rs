//! Meters: the meter tree of a place, readings, consumption with rollover, anomalies.

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_kernel::numbers::bounded_decimal;
use faireplace_kernel::values::Text;
use faireplace_kernel::{ValidationErrors, sort_fields, text_enum, typed_id};
use rust_decimal::{Decimal, RoundingStrategy};

pub use faireplace_kernel::ids::MeterId;
use faireplace_kernel::ids::{EstateId, MediaId, PlaceId};

typed_id!(
    /// A reading of a meter.
    ReadingId
);

text_enum!(
    pub MeterType {
        Electricity => "ELECTRICITY",
        Gas => "GAS",
        WaterHot => "WATER_HOT",
        WaterCold => "WATER_COLD",
        Heating => "HEATING",
        Cooling => "COOLING",
    }
);

impl MeterType {
    /// The unit a meter of this type counts in, unless it says otherwise.
    pub fn default_unit(&self) -> &'static str {
        match self {
            MeterType::Electricity | MeterType::Heating | MeterType::Cooling => "kWh",
            MeterType::Gas | MeterType::WaterHot | MeterType::WaterCold => "m3",
        }
    }
}

text_enum!(
    pub BillingType {
        Individual => "INDIVIDUAL",
        Collective => "COLLECTIVE",
        Shared => "SHARED",
        Included => "INCLUDED",
    }
);

text_enum!(
    pub ReadingSource {
        Manual => "MANUAL",
        Automatic => "AUTOMATIC",
        /// Needs the photo, uploaded through `/api/media`.
        Photo => "PHOTO",
        Estimated => "ESTIMATED",
    }
);

/// The largest index a meter may show.
const MAX_INDEX: i64 = 1_000_000_000_000;

#[derive(Debug, Clone, Default)]
pub struct MeterInput {
    pub estate_id: Option<EstateId>,
    pub place_id: Option<PlaceId>,
    pub parent_meter_id: Option<MeterId>,
    pub meter_type: Option<String>,
    pub billing_type: Option<String>,
    pub serial_number: Option<String>,
    pub unit: Option<String>,
    pub max_value: Option<Decimal>,
    pub location: Option<String>,
    pub installed_on: Option<NaiveDate>,
    pub active: Option<bool>,
}

/// Where a meter is: an estate (a lot's own meter) or a place (a building's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeterSite {
    Estate(EstateId),
    Place(PlaceId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeterData {
    pub site: MeterSite,
    pub parent_meter_id: Option<MeterId>,
    pub meter_type: MeterType,
    pub billing_type: BillingType,
    pub serial_number: Option<Text>,
    pub unit: Text,
    /// The largest value the meter displays before it rolls over to 0.
    pub max_value: Option<Decimal>,
    pub location: Option<Text>,
    pub installed_on: Option<NaiveDate>,
    pub active: bool,
}

fn text(
    errors: &mut ValidationErrors,
    field: &str,
    v: &Option<String>,
    max: usize,
) -> Option<Text> {
    v.as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|s| errors.take(field, Text::parse(s, max)))
}

impl MeterData {
    pub fn parse(input: &MeterInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let site = match (input.estate_id, input.place_id) {
            (Some(e), None) => Some(MeterSite::Estate(e)),
            (None, Some(p)) => Some(MeterSite::Place(p)),
            (Some(_), Some(_)) => {
                errors.push("place_id", "give estate_id or place_id, not both");
                None
            }
            (None, None) => {
                errors.push("estate_id", "estate_id or place_id is required");
                None
            }
        };
        let meter_type = match input.meter_type.as_deref() {
            None => {
                errors.push("meter_type", "is required");
                None
            }
            Some(t) => errors.take("meter_type", MeterType::parse(t)),
        };
        let billing_type = match input.billing_type.as_deref() {
            None => Some(BillingType::Individual),
            Some(t) => errors.take("billing_type", BillingType::parse(t)),
        };
        let serial_number = text(&mut errors, "serial_number", &input.serial_number, 100);
        let unit = text(&mut errors, "unit", &input.unit, 20);
        let max_value = input.max_value.and_then(|m| {
            errors.take(
                "max_value",
                bounded_decimal(m, 3, Decimal::ONE, Decimal::from(MAX_INDEX)),
            )
        });
        let location = text(&mut errors, "location", &input.location, 200);
        errors.into_result()?;
        let (Some(site), Some(meter_type), Some(billing_type)) = (site, meter_type, billing_type)
        else {
            return Err(ValidationErrors::single("meter_type", "is required"));
        };
        Ok(Self {
            site,
            parent_meter_id: input.parent_meter_id,
            unit: unit.unwrap_or_else(|| Text::from_trusted(meter_type.default_unit().to_owned())),
            meter_type,
            billing_type,
            serial_number,
            max_value,
            location,
            installed_on: input.installed_on,
            active: input.active.unwrap_or(true),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meter {
    pub id: MeterId,
    pub data: MeterData,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Meter {
    pub fn new(data: MeterData, now: DateTime<Utc>) -> Result<Self, ValidationErrors> {
        let id = MeterId::generate();
        if data.parent_meter_id == Some(id) {
            return Err(ValidationErrors::single(
                "parent_meter_id",
                "a meter cannot be its own parent",
            ));
        }
        Ok(Self {
            id,
            data,
            created_at: now,
            updated_at: now,
        })
    }

    pub fn replace(&mut self, data: MeterData, now: DateTime<Utc>) -> Result<(), ValidationErrors> {
        if data.parent_meter_id == Some(self.id) {
            return Err(ValidationErrors::single(
                "parent_meter_id",
                "a meter cannot be its own parent",
            ));
        }
        self.data = data;
        self.updated_at = now;
        Ok(())
    }
}

sort_fields!(
    pub MeterSort {
        CreatedAt => "created_at",
        MeterType => "meter_type",
        SerialNumber => "serial_number",
    }
);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeterFilter {
    pub estate_id: Option<EstateId>,
    pub place_id: Option<PlaceId>,
    pub parent_meter_id: Option<MeterId>,
    pub meter_type: Option<MeterType>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct ReadingInput {
    pub value: Option<Decimal>,
    pub read_at: Option<DateTime<Utc>>,
    pub source: Option<String>,
    pub photo_media_id: Option<MediaId>,
    pub rollover: Option<bool>,
}

/// A reading as sent, valid on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingData {
    pub value: Decimal,
    pub read_at: DateTime<Utc>,
    pub source: ReadingSource,
    pub photo_media_id: Option<MediaId>,
    pub rollover: bool,
}

impl ReadingData {
    pub fn parse(input: &ReadingInput, now: DateTime<Utc>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let value = match input.value {
            None => {
                errors.push("value", "is required");
                None
            }
            Some(v) => errors.take(
                "value",
                bounded_decimal(v, 3, Decimal::ZERO, Decimal::from(MAX_INDEX)),
            ),
        };
        let source = match input.source.as_deref() {
            None => Some(ReadingSource::Manual),
            Some(s) => errors.take("source", ReadingSource::parse(s)),
        };
        if source == Some(ReadingSource::Photo) && input.photo_media_id.is_none() {
            errors.push("photo_media_id", "is required when source is PHOTO");
        }
        let read_at = input.read_at.unwrap_or(now);
        if read_at > now + chrono::Duration::minutes(5) {
            errors.push("read_at", "must not be in the future");
        }
        errors.into_result()?;
        let (Some(value), Some(source)) = (value, source) else {
            return Err(ValidationErrors::single("value", "is required"));
        };
        Ok(Self {
            value,
            read_at,
            source,
            photo_media_id: input.photo_media_id,
            rollover: input.rollover.unwrap_or(false),
        })
    }
}

/// What a reading is compared with: the meter's previous reading and its history so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct History {
    pub previous_value: Decimal,
    pub previous_at: DateTime<Utc>,
    /// Consumption and elapsed seconds from the first reading to the previous one.
    pub consumed: Decimal,
    pub elapsed_seconds: i64,
}

/// A reading with what it measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub id: ReadingId,
    pub meter_id: MeterId,
    pub data: ReadingData,
    /// Since the previous reading; `None` for the first one.
    pub consumption: Option<Decimal>,
    pub anomaly: bool,
    pub created_at: DateTime<Utc>,
}

/// The consumption between two readings. When the new value is lower, only a reading marked
/// `rollover` on a meter with a maximum is accepted: the meter went from `previous` up to
/// `max`, then to 0 (one unit), then to `value`: `(max − previous) + 1 + value` (for a
/// 5-digit meter, 99,990 then 5 is 15). A rollover that does not go down is refused too.
pub fn consumption(
    previous: Decimal,
    value: Decimal,
    rollover: bool,
    max_value: Option<Decimal>,
) -> Result<Decimal, ValidationErrors> {
    if let Some(max) = max_value
        && value > max
    {
        return Err(ValidationErrors::single(
            "value",
            format!("the meter shows at most {max}"),
        ));
    }
    match (value >= previous, rollover) {
        (true, false) => Ok(value - previous),
        (true, true) => Err(ValidationErrors::single(
            "rollover",
            format!("a rollover brings the index below the previous one ({previous})"),
        )),
        (false, false) => Err(ValidationErrors::single(
            "value",
            format!(
                "is lower than the previous reading ({previous}); mark it as a rollover if the meter went past its maximum"
            ),
        )),
        (false, true) => match max_value {
            None => Err(ValidationErrors::single(
                "rollover",
                "the meter has no max_value to roll over from",
            )),
            Some(max) if previous > max || value > max => Err(ValidationErrors::single(
                "value",
                format!("the meter shows at most {max}"),
            )),
            Some(max) => Ok(max - previous + Decimal::ONE + value),
        },
    }
}

/// The share of the average daily rate beyond which a reading is an anomaly (±50 %).
pub fn anomaly_threshold() -> Decimal {
    Decimal::new(5, 1)
}

/// Whether a consumption over `seconds` deviates by more than 50 % from the meter's average
/// daily rate so far (no average yet: never).
pub fn is_anomaly(consumed: Decimal, seconds: i64, history: &History) -> bool {
    if seconds <= 0 || history.elapsed_seconds <= 0 {
        return false;
    }
    // rate / average = (consumed × elapsed) / (consumed so far × seconds), compared without
    // dividing, so that exactly +50 % is not an anomaly whatever the decimals.
    let (Some(now), Some(before)) = (
        consumed.checked_mul(Decimal::from(history.elapsed_seconds)),
        history.consumed.checked_mul(Decimal::from(seconds)),
    ) else {
        return false;
    };
    if before.is_zero() {
        return !now.is_zero();
    }
    (now - before).abs() > before * anomaly_threshold()
}

/// Daily average of `total` over `days` (3 decimals).
pub fn daily_average(total: Decimal, days: Decimal) -> Decimal {
    if days <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    (total / days).round_dp_with_strategy(3, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn consumption_counts_a_rollover_past_the_maximum() {
        assert_eq!(
            consumption(dec("100"), dec("150.5"), false, None),
            Ok(dec("50.5"))
        );
        // 99,990 → 99,999 (9), → 0 (1), → 5 (5)
        assert_eq!(
            consumption(dec("99990"), dec("5"), true, Some(dec("99999"))),
            Ok(dec("15"))
        );
        let field = |r: Result<Decimal, ValidationErrors>| {
            r.expect_err("refused").errors()[0].field.clone()
        };
        assert_eq!(
            field(consumption(dec("100"), dec("90"), false, Some(dec("999")))),
            "value"
        );
        assert_eq!(
            field(consumption(dec("100"), dec("90"), true, None)),
            "rollover"
        );
        assert_eq!(
            field(consumption(dec("100"), dec("120"), true, Some(dec("999")))),
            "rollover"
        );
        assert_eq!(
            field(consumption(dec("100"), dec("1000"), true, Some(dec("999")))),
            "value"
        );
    }

    #[test]
    fn an_anomaly_is_beyond_half_the_average_daily_rate() {
        let day = 86_400;
        // 10 a day so far.
        let history = History {
            previous_value: dec("100"),
            previous_at: DateTime::<Utc>::UNIX_EPOCH,
            consumed: dec("100"),
            elapsed_seconds: 10 * day,
        };
        assert!(!is_anomaly(dec("15"), day, &history), "+50 % is the limit");
        assert!(is_anomaly(dec("15.01"), day, &history));
        assert!(!is_anomaly(dec("5"), day, &history));
        assert!(is_anomaly(dec("4.99"), day, &history));
        let first = History {
            elapsed_seconds: 0,
            ..history
        };
        assert!(!is_anomaly(dec("1000"), day, &first), "no average yet");
    }

    #[test]
    fn a_meter_is_somewhere_and_a_photo_reading_has_its_photo() {
        let e = MeterData::parse(&MeterInput::default()).expect_err("empty");
        let fields: Vec<&str> = e.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["estate_id", "meter_type"]);
        let m = MeterData::parse(&MeterInput {
            place_id: Some(PlaceId::generate()),
            meter_type: Some("WATER_COLD".into()),
            ..Default::default()
        })
        .expect("meter");
        assert_eq!(m.unit.as_str(), "m3");
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let e = ReadingData::parse(
            &ReadingInput {
                value: Some(dec("12")),
                source: Some("PHOTO".into()),
                ..Default::default()
            },
            now,
        )
        .expect_err("photo");
        assert_eq!(e.errors()[0].field, "photo_media_id");
    }
}
