//! Staffing: who is on the project, month by month (docs/MODEL.md 6.1, 6.2,
//! 6.9 and the newcomer of 6.4).
//!
//! A strategy has at most one engineer present at a month boundary and at
//! most one search running. Searches start at the boundary, arrivals come
//! within a month, and the month's end decides who leaves. Every departure
//! is a handover through [`Sim::depart`], so documentation and lost context
//! are accounted for in one place. Each search and return draws from its own
//! stream at the counter of its root engagement, and each leaving draw at the
//! counter of its month, so strategies share random numbers event by event.

use super::Sim;
use super::costs::Category;
use super::world::Contract;
use crate::rng;

/// An engineer present on the project.
#[derive(Debug, Clone, Copy)]
pub(super) struct Engineer {
    /// Engagement index.
    pub(super) e: usize,
    /// Context, engineer-months.
    pub(super) k: f64,
    /// Notice still to work, if resigned.
    pub(super) notice_left: Option<f64>,
    /// Whether it belongs to the current phase (false once a phase switch
    /// made it the outgoing engineer).
    pub(super) current: bool,
}

impl Engineer {
    /// The part of this month the engineer works, from its start, and
    /// whether they leave at its end: the month ends at 1, or earlier when
    /// the notice runs out or the newcomer arrives at `arrival`.
    #[inline]
    pub(super) fn stretch(&self, arrival: Option<f64>) -> (f64, bool) {
        let mut end = 1.0;
        let mut leaves = false;
        if let Some(n) = self.notice_left
            && n <= 1.0
        {
            end = n;
            leaves = true;
        }
        if let Some(a) = arrival
            && a <= end
        {
            end = a;
            leaves = true;
        }
        (end, leaves)
    }

    /// Counts `worked` months off the notice, if on notice.
    #[inline]
    pub(super) fn serve_notice(&mut self, worked: f64) {
        if let Some(n) = self.notice_left.as_mut() {
            *n -= worked;
        }
    }
}

/// A search for a newcomer.
#[derive(Debug, Clone, Copy)]
pub(super) struct Search {
    e: usize,
    /// Months until the newcomer starts.
    remaining: f64,
    /// Context the newcomer brings (a returning freelancer's own).
    returning_k: Option<f64>,
}

impl Sim<'_> {
    /// 6.1: the search that starts at the boundary before month `m`, if any.
    #[inline]
    pub(super) fn start_searches(&mut self, m: u32) {
        let pending = std::mem::replace(&mut self.switch_pending, false);
        if self.retired || self.search.is_some() {
            return;
        }
        let has_current = self
            .present
            .is_some_and(|p| p.current && p.notice_left.is_none());
        if has_current {
            return;
        }
        let e = self.current_engagement();
        let en = self.eng(e);
        let retained = en.on_retainer() && self.live(m);
        if pending || en.contract.fills_vacancies() || self.called_for(e) || retained {
            self.start_search(e);
        }
    }

    /// Starts a search for engagement `e`: draws how long it takes and, for
    /// a freelancer whose predecessor finished a task, whether that
    /// freelancer returns.
    fn start_search(&mut self, e: usize) {
        let def = &self.sc.engagements[e];
        let en = self.eng(e);
        let root = def.root;
        let k = self.searches[root];
        self.searches[root] += 1;
        let dist = def.search_time();
        let remaining = match dist.fixed_value() {
            Some(x) => x,
            None => dist.sample(&mut rng::stream(
                self.seed,
                self.trial,
                def.streams.search,
                k,
            )),
        };
        let mut returning_k = None;
        if en.contract.finishes_tasks()
            && let Some((r, k_last)) = self.last
            && r == root
        {
            // Drawing for a return uses the eligibility up.
            self.last = None;
            if rng::uniform(self.seed, self.trial, def.streams.returns, k) < en.returns {
                returning_k = Some(k_last);
            }
        }
        self.search = Some(Search {
            e,
            remaining,
            returning_k,
        });
    }

    /// 6.2: when within this month the newcomer arrives, if they do; a
    /// search that goes on is a month shorter.
    #[inline]
    pub(super) fn arrival(&mut self) -> Option<f64> {
        match &mut self.search {
            Some(s) if s.remaining < 1.0 => Some(s.remaining.max(0.0)),
            Some(s) => {
                s.remaining -= 1.0;
                None
            }
            None => None,
        }
    }

    /// 6.4: the searched-for newcomer starts (the start fee, the count of
    /// hires or engagements, the context they start with), ending the search.
    #[inline]
    pub(super) fn arrive(&mut self) -> Option<Engineer> {
        let s = self.search.take()?;
        let en = self.eng(s.e);
        let k = s
            .returning_k
            .map_or(self.docs_k, |kl| kl.max(self.docs_k))
            .min(self.full_context);
        self.out.costs[Category::Hiring] += en.start_fee;
        match en.contract {
            Contract::Freelance => self.out.engagements += 1,
            Contract::Employee => self.out.hires += 1,
        }
        Some(Engineer {
            e: s.e,
            k,
            notice_left: None,
            current: true,
        })
    }

    /// An engineer leaves with a handover: documentation keeps part of
    /// their context, the rest is lost.
    #[inline]
    pub(super) fn depart(&mut self, g: &Engineer) {
        let doc = self.eng(g.e).documentation;
        self.docs_k = self.docs_k.max(doc * g.k);
        self.out.context_lost += (1.0 - doc) * g.k;
        self.out.handovers += 1;
    }

    /// 6.9: whether the engineer present at the end of month `m` leaves: a
    /// freelancer whose task is done or who exits, an employee who resigns
    /// (into notice, or at once without one).
    #[inline]
    pub(super) fn leaving(&mut self, m: usize) {
        let Some(mut g) = self.present.take() else {
            return;
        };
        let en = self.eng(g.e);
        // The month's leaving draw, made only when it can matter.
        let leaves = || {
            en.leave_per_month > 0.0
                && rng::uniform_at(en.leave_prefix, m as u64) < en.leave_per_month
        };
        match en.contract {
            Contract::Freelance => {
                let retained = en.on_retainer() && self.launch.is_some();
                if g.current && !retained && !self.called_for(g.e) {
                    self.depart(&g);
                    self.last = Some((self.sc.engagements[g.e].root, g.k));
                } else if leaves() {
                    self.depart(&g);
                } else {
                    self.present = Some(g);
                }
            }
            Contract::Employee => {
                if g.notice_left.is_none() && leaves() {
                    if en.notice_months > 0.0 {
                        g.notice_left = Some(en.notice_months);
                        self.present = Some(g);
                    } else {
                        self.depart(&g);
                    }
                } else {
                    self.present = Some(g);
                }
            }
        }
    }
}
