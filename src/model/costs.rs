//! The cost categories and the book that adds a trial's costs up by category.
//!
//! Every cost the model charges lands in exactly one of eleven categories, so
//! the categories add up to the TCO (docs/MODEL.md section 8). Naming them
//! with an enum, and indexing the book only by that enum, means a cost cannot
//! be charged to a category that does not exist or to the wrong slot of an
//! array; the order of the enum is the order of the CSV columns.
//!
//! Two sums of the categories matter to a decision-maker: the **cash** (what
//! the strategy pays: every category but degradation and delay, the cost of
//! finishing the work still due included) and the **lost value** (business
//! value lost to degradation and delay). The TCO is cash plus lost value, or
//! the cash alone when business impact is excluded.

use std::ops::{Index, IndexMut};

use crate::scenario::WorkKind;

/// A cost category, in the order of the CSV columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// Delivered build work.
    Build,
    /// Delivered roadmap work.
    Roadmap,
    /// Delivered maintenance work.
    Maintenance,
    /// Delivered repairs of detected drift.
    Remediation,
    /// Work redone.
    Rework,
    /// Time lost to missing context.
    Context,
    /// Paid time with no work (presence, retainers) and severance.
    Idle,
    /// Recruiting and engagement fees, platform fees.
    Hiring,
    /// Value lost while the live product is degraded.
    Degradation,
    /// Cost of launching after the target month.
    Delay,
    /// Work still due at the horizon, priced.
    Unfinished,
}

impl Category {
    /// Number of categories.
    pub const COUNT: usize = 11;

    /// Every category, in the order of the CSV columns.
    pub const ALL: [Category; Category::COUNT] = [
        Category::Build,
        Category::Roadmap,
        Category::Maintenance,
        Category::Remediation,
        Category::Rework,
        Category::Context,
        Category::Idle,
        Category::Hiring,
        Category::Degradation,
        Category::Delay,
        Category::Unfinished,
    ];

    /// The name of the category's CSV column.
    pub const fn name(self) -> &'static str {
        match self {
            Category::Build => "build",
            Category::Roadmap => "roadmap",
            Category::Maintenance => "maintenance",
            Category::Remediation => "remediation",
            Category::Rework => "rework",
            Category::Context => "context",
            Category::Idle => "idle",
            Category::Hiring => "hiring",
            Category::Degradation => "degradation",
            Category::Delay => "delay",
            Category::Unfinished => "unfinished",
        }
    }

    /// What the category counts, in one sentence a report can show.
    pub const fn definition(self) -> &'static str {
        match self {
            Category::Build => "Paid engineering time that delivered the initial system.",
            Category::Roadmap => {
                "Paid engineering time that delivered improvement projects (the roadmap)."
            }
            Category::Maintenance => {
                "Paid engineering time that delivered routine upkeep and monitoring of the live system."
            }
            Category::Remediation => "Paid engineering time that repaired detected drift.",
            Category::Rework => {
                "Paid time spent redoing defective work (more of it while context is missing)."
            }
            Category::Context => {
                "Paid time lost to missing context: a newcomer's slower work while catching up."
            }
            Category::Idle => {
                "Paid time with no work to do (an employee's presence, an unused retainer), and severance."
            }
            Category::Hiring => {
                "Recruiting fees, internal hiring costs, engagement fees and platform fees."
            }
            Category::Degradation => {
                "Business value lost while drift degrades the live product (lost value, not paid out)."
            }
            Category::Delay => {
                "Business value lost to a launch after the target month and to roadmap work waiting in the backlog (lost value, not paid out)."
            }
            Category::Unfinished => {
                "What finishing the work still due at the horizon would cost (build, roadmap, repairs)."
            }
        }
    }

    /// Whether the category is business value lost (degradation and delay)
    /// rather than money paid: the one home of the split between cash and
    /// lost value.
    #[inline]
    pub const fn is_lost_value(self) -> bool {
        matches!(self, Category::Degradation | Category::Delay)
    }

    /// The category of delivered work of `kind`.
    #[inline]
    pub const fn of_work(kind: WorkKind) -> Category {
        match kind {
            WorkKind::Remediation => Category::Remediation,
            WorkKind::Build => Category::Build,
            WorkKind::Maintenance => Category::Maintenance,
            WorkKind::Roadmap => Category::Roadmap,
        }
    }
}

/// The names of the categories, in the order of the CSV columns.
pub const CATEGORIES: [&str; Category::COUNT] = {
    let mut names = [""; Category::COUNT];
    let mut i = 0;
    while i < Category::COUNT {
        names[i] = Category::ALL[i].name();
        i += 1;
    }
    names
};

/// Costs by category: the cost book of one strategy in one trial.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Costs([f64; Category::COUNT]);

impl Costs {
    /// A cost book from amounts in category order.
    #[inline]
    pub fn from_array(amounts: [f64; Category::COUNT]) -> Costs {
        Costs(amounts)
    }

    /// The costs in category order.
    #[inline]
    pub fn iter(&self) -> std::slice::Iter<'_, f64> {
        self.0.iter()
    }

    /// The costs as an array in category order.
    #[inline]
    pub fn as_array(&self) -> &[f64; Category::COUNT] {
        &self.0
    }

    /// What the strategy pays: every category that is not lost value
    /// ([`Category::is_lost_value`]), summed in category order.
    #[inline]
    pub fn cash(&self) -> f64 {
        self.sum_of(&CASH)
    }

    /// Business value lost: the categories that are lost value (degradation
    /// and delay), summed in category order.
    #[inline]
    pub fn lost_value(&self) -> f64 {
        self.sum_of(&LOST_VALUE)
    }

    /// The TCO: the cash plus the lost value, or the cash alone when
    /// business impact is excluded.
    #[inline]
    pub fn total(&self, include_business_impact: bool) -> f64 {
        if include_business_impact {
            self.cash() + self.lost_value()
        } else {
            self.cash()
        }
    }

    /// The sum of the categories at `indices` (ascending), in that order.
    /// The indices are constants, so the sum unrolls into plain additions
    /// (the TCO is summed every month of every trial).
    #[inline]
    fn sum_of(&self, indices: &[usize]) -> f64 {
        indices.iter().map(|i| self.0[*i]).sum()
    }
}

/// The indices of the categories that are lost value (`lost`) or cash, in
/// category order; `N` is their number.
const fn split<const N: usize>(lost: bool) -> [usize; N] {
    let mut out = [0; N];
    let (mut i, mut k) = (0, 0);
    while i < Category::COUNT {
        if Category::ALL[i].is_lost_value() == lost {
            out[k] = i;
            k += 1;
        }
        i += 1;
    }
    assert!(k == N, "N must be the number of categories of the kind");
    out
}

/// The cash categories, in category order.
const CASH: [usize; 9] = split(false);
/// The lost-value categories, in category order.
const LOST_VALUE: [usize; 2] = split(true);

impl Index<Category> for Costs {
    type Output = f64;

    #[inline]
    fn index(&self, c: Category) -> &f64 {
        &self.0[c as usize]
    }
}

impl IndexMut<Category> for Costs {
    #[inline]
    fn index_mut(&mut self, c: Category) -> &mut f64 {
        &mut self.0[c as usize]
    }
}

impl<'a> IntoIterator for &'a Costs {
    type Item = &'a f64;
    type IntoIter = std::slice::Iter<'a, f64>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_names_are_the_csv_columns_in_order() {
        assert_eq!(CATEGORIES, Category::ALL.map(Category::name));
        for (i, c) in Category::ALL.iter().enumerate() {
            assert_eq!(*c as usize, i, "{c:?} is out of place in Category::ALL");
        }
    }

    #[test]
    fn the_book_is_indexed_by_category() {
        let mut costs = Costs::default();
        costs[Category::Hiring] += 2.0;
        costs[Category::Delay] += 5.0;
        costs[Category::Build] += 1.0;
        assert_eq!(costs.as_array()[7], 2.0);
        assert_eq!(costs.iter().copied().collect::<Vec<_>>()[9], 5.0);
        assert_eq!(costs.total(true), 8.0);
        assert_eq!(costs.total(false), 3.0);
    }

    #[test]
    fn cash_and_lost_value_add_up_to_the_total() {
        assert_eq!(
            Category::ALL.map(Category::is_lost_value),
            Category::ALL.map(|c| matches!(c.name(), "degradation" | "delay"))
        );
        let mut costs = Costs::default();
        for (i, c) in Category::ALL.iter().enumerate() {
            costs[*c] = 1000.0 * (i as f64 + 1.0) + 0.37 * i as f64;
        }
        let lost = costs[Category::Degradation] + costs[Category::Delay];
        assert_eq!(costs.lost_value(), lost);
        assert!((costs.cash() - (costs.iter().sum::<f64>() - lost)).abs() < 1e-9);
        assert_eq!(costs.cash() + costs.lost_value(), costs.total(true));
        assert_eq!(costs.total(false), costs.cash());
        let none = Costs::default();
        assert_eq!(
            (none.cash(), none.lost_value(), none.total(true)),
            (0.0, 0.0, 0.0)
        );
    }

    #[test]
    fn delivered_work_is_charged_to_its_own_category() {
        for kind in WorkKind::ALL {
            assert_eq!(Category::of_work(kind).name(), kind.name());
        }
    }
}
