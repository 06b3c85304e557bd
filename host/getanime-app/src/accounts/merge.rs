//! The three-way merge of one title: this library's marks, the account's entry, and what both
//! last agreed on. Pure, so every rule is a unit test.
//!
//! Per field: the side that changed since the agreed state wins; both changed → the later
//! (a remote change without a time loses to a local one: the person at this TV made it). Then:
//! episodes watched never go down; an empty score never overwrites a set one; a field the
//! tracker does not keep (no favorites, no scores) is neither sent nor taken.

use getanime_domain::{
    AgreedTitle, LocalChange, RemoteStatus, TitleId, TrackedTitle, TrackerChange, TrackerEntry,
};

/// What the merge of one title decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Merged {
    /// Changes to the library's marks, if any.
    pub local: Option<LocalChange>,
    /// What to send, if anything differs.
    pub push: Option<TrackerChange>,
    /// The merge base to keep now: the fields sent stay as they were until the send succeeds.
    pub agreed: AgreedTitle,
    /// The merge base once the send succeeds.
    pub agreed_after_push: AgreedTitle,
}

/// What the tracker keeps, as far as its answers tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Capabilities {
    /// A title missing from the pull is not a favorite there.
    pub favorites: bool,
    /// It counts episodes watched (so a count here is worth sending).
    pub progress: bool,
}

/// Merges one title the library has (`title_id`). `local` is none when the profile has no mark
/// on it; `remote` none when the account does not list it.
pub(crate) fn merge(
    title_id: TitleId,
    external_id: &str,
    local: Option<&TrackedTitle>,
    agreed: Option<&AgreedTitle>,
    remote: Option<&TrackerEntry>,
    capabilities: Capabilities,
) -> Merged {
    let base = agreed.cloned().unwrap_or_default();
    let local_time = local.map_or(0, |local| local.changed_at);
    // Unknown remote time: the local change is taken as the later one.
    let local_later = remote.and_then(|remote| remote.updated_at).is_none_or(|at| local_time > at);

    let mut change =
        LocalChange { title_id, status: None, favorite: None, score: None, watched_through: None };
    let mut push =
        TrackerChange { external_id: external_id.to_owned(), ..TrackerChange::default() };
    let mut agreed_now = AgreedTitle {
        external_id: external_id.to_owned(),
        title_id: Some(title_id),
        remote_id: remote.and_then(|remote| remote.remote_id.clone()).or(base.remote_id.clone()),
        ..AgreedTitle::default()
    };
    let mut after = agreed_now.clone();

    // The list.
    let local_status = local.and_then(|local| local.status).map(RemoteStatus::from);
    let remote_status = remote.and_then(|remote| remote.status);
    let same = |a: Option<RemoteStatus>, b: Option<RemoteStatus>| {
        a.map(RemoteStatus::as_list) == b.map(RemoteStatus::as_list)
    };
    match decide(
        same(local_status, remote_status),
        same(local_status, base.status),
        same(remote_status, base.status),
        local_later,
    ) {
        Decision::Agree => (agreed_now.status, after.status) = (remote_status, remote_status),
        Decision::Take => {
            change.status = Some(remote_status.map(RemoteStatus::as_list));
            (agreed_now.status, after.status) = (remote_status, remote_status);
        }
        Decision::Send => {
            push.status = Some(local_status);
            (agreed_now.status, after.status) = (base.status, local_status);
        }
    }

    // Favorite: a tracker without favorites answers none.
    let local_favorite = local.is_some_and(|local| local.favorite);
    let remote_favorite = match remote {
        Some(remote) => remote.favorite,
        None => capabilities.favorites.then_some(false),
    };
    match remote_favorite {
        None => (agreed_now.favorite, after.favorite) = (base.favorite, base.favorite),
        Some(remote_favorite) => {
            let base_favorite = base.favorite.unwrap_or(false);
            match decide(
                local_favorite == remote_favorite,
                local_favorite == base_favorite,
                remote_favorite == base_favorite,
                local_later,
            ) {
                Decision::Agree => {
                    (agreed_now.favorite, after.favorite) =
                        (Some(remote_favorite), Some(remote_favorite));
                }
                Decision::Take => {
                    change.favorite = Some(remote_favorite);
                    (agreed_now.favorite, after.favorite) =
                        (Some(remote_favorite), Some(remote_favorite));
                }
                Decision::Send => {
                    push.favorite = Some(local_favorite);
                    (agreed_now.favorite, after.favorite) = (base.favorite, Some(local_favorite));
                }
            }
        }
    }

    // Score: an empty one never overwrites a set one, either way.
    let local_score = local.and_then(|local| local.score);
    let remote_score = remote.and_then(|remote| remote.score);
    (agreed_now.score, after.score) = (base.score, base.score);
    match (local_score, remote_score) {
        (Some(mine), Some(theirs)) if mine != theirs => {
            match decide(false, Some(mine) == base.score, Some(theirs) == base.score, local_later) {
                Decision::Take | Decision::Agree => {
                    change.score = Some(theirs);
                    (agreed_now.score, after.score) = (Some(theirs), Some(theirs));
                }
                Decision::Send => {
                    push.score = Some(Some(mine));
                    after.score = Some(mine);
                }
            }
        }
        (Some(mine), Some(_)) => (agreed_now.score, after.score) = (Some(mine), Some(mine)),
        (Some(mine), None) if Some(mine) != base.score => {
            push.score = Some(Some(mine));
            after.score = Some(mine);
        }
        (None, Some(theirs)) if Some(theirs) != base.score => {
            change.score = Some(theirs);
            (agreed_now.score, after.score) = (Some(theirs), Some(theirs));
        }
        _ => {}
    }

    // Episodes watched: never down.
    let local_progress = local.and_then(|local| local.progress).unwrap_or(0);
    let remote_progress = remote.and_then(|remote| remote.progress).unwrap_or(0);
    let base_progress = base.progress.unwrap_or(0);
    if remote_progress > local_progress {
        change.watched_through = Some(remote_progress);
    }
    if capabilities.progress && local_progress > remote_progress && local_progress > base_progress {
        push.progress = Some(local_progress);
    }
    let highest = local_progress.max(remote_progress).max(base_progress);
    let known = [local.and_then(|l| l.progress), remote.and_then(|r| r.progress), base.progress];
    let progress = known.iter().any(Option::is_some).then_some(highest);
    agreed_now.progress = if push.progress.is_some() { base.progress } else { progress };
    after.progress = progress;

    let local_changes = change.status.is_some()
        || change.favorite.is_some()
        || change.score.is_some()
        || change.watched_through.is_some();
    let sends = push.status.is_some()
        || push.favorite.is_some()
        || push.score.is_some()
        || push.progress.is_some();
    if sends {
        push.remote_id = agreed_now.remote_id.clone();
    }
    Merged {
        local: local_changes.then_some(change),
        push: sends.then_some(push),
        agreed: agreed_now,
        agreed_after_push: after,
    }
}

/// The account's entry after it answered `answer` to `sent`: what was sent, with what the
/// server made of it where it says (it clamps, completes, counts rewatches). Merged against
/// `target` (the base once sent), the server's word is taken here.
pub(crate) fn server_view(
    target: &AgreedTitle,
    sent: &TrackerChange,
    answer: &TrackerEntry,
) -> TrackerEntry {
    TrackerEntry {
        external_id: target.external_id.clone(),
        status: if sent.status.is_some() { answer.status } else { target.status },
        progress: answer.progress.or(target.progress),
        score: answer.score.or(target.score),
        favorite: match (sent.favorite, answer.favorite) {
            (Some(_), Some(favorite)) => Some(favorite),
            _ => target.favorite,
        },
        remote_id: answer.remote_id.clone().or(target.remote_id.clone()),
        updated_at: None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    /// Both sides say the same.
    Agree,
    /// Take the account's value here.
    Take,
    /// Send this library's value.
    Send,
}

fn decide(
    same: bool,
    local_unchanged: bool,
    remote_unchanged: bool,
    local_later: bool,
) -> Decision {
    if same {
        Decision::Agree
    } else if local_unchanged {
        Decision::Take
    } else if remote_unchanged || local_later {
        Decision::Send
    } else {
        Decision::Take
    }
}

#[cfg(test)]
mod tests {
    use getanime_domain::ListStatus;

    use super::*;

    const TITLE: TitleId = TitleId(7);
    const FAVORITES: Capabilities = Capabilities { favorites: true, progress: true };

    fn local(status: Option<ListStatus>, favorite: bool, score: Option<u8>) -> TrackedTitle {
        TrackedTitle {
            title_id: TITLE,
            external_id: "9000".to_owned(),
            status,
            favorite,
            score,
            progress: None,
            changed_at: 2_000,
        }
    }

    fn remote(status: Option<RemoteStatus>, favorite: Option<bool>) -> TrackerEntry {
        TrackerEntry { external_id: "9000".to_owned(), status, favorite, ..TrackerEntry::default() }
    }

    fn agreed(status: Option<RemoteStatus>, favorite: Option<bool>) -> AgreedTitle {
        AgreedTitle {
            external_id: "9000".to_owned(),
            title_id: Some(TITLE),
            status,
            favorite,
            ..AgreedTitle::default()
        }
    }

    fn check(
        local: Option<&TrackedTitle>,
        agreed: Option<&AgreedTitle>,
        remote: Option<&TrackerEntry>,
    ) -> Merged {
        merge(TITLE, "9000", local, agreed, remote, FAVORITES)
    }

    #[test]
    fn a_title_only_the_account_lists_is_taken() {
        let merged = check(None, None, Some(&remote(Some(RemoteStatus::Planned), Some(true))));
        let change = merged.local.expect("a change here");
        assert_eq!(change.status, Some(Some(ListStatus::Planned)));
        assert_eq!(change.favorite, Some(true));
        assert_eq!(merged.push, None);
        assert_eq!(merged.agreed.status, Some(RemoteStatus::Planned));
    }

    #[test]
    fn a_title_only_this_library_lists_is_sent_and_agreed_only_after() {
        let mine = local(Some(ListStatus::Watching), true, None);
        let merged = check(Some(&mine), None, None);
        let push = merged.push.expect("a push");
        assert_eq!(push.status, Some(Some(RemoteStatus::Watching)));
        assert_eq!(push.favorite, Some(true));
        assert_eq!(merged.local, None);
        assert_eq!(merged.agreed.status, None, "not agreed until sent");
        assert_eq!(merged.agreed_after_push.status, Some(RemoteStatus::Watching));
    }

    #[test]
    fn when_both_sides_agree_nothing_moves() {
        let mine = local(Some(ListStatus::Completed), false, None);
        let theirs = remote(Some(RemoteStatus::Completed), Some(false));
        let base = agreed(Some(RemoteStatus::Completed), Some(false));
        let merged = check(Some(&mine), Some(&base), Some(&theirs));
        assert_eq!((merged.local, merged.push), (None, None));
    }

    #[test]
    fn a_removal_on_either_side_wins_over_an_unchanged_other() {
        let base = agreed(Some(RemoteStatus::Watching), Some(false));
        let mine = local(Some(ListStatus::Watching), false, None);
        let merged = check(Some(&mine), Some(&base), None);
        assert_eq!(merged.local.expect("taken").status, Some(None), "removed there, removed here");
        let kept = remote(Some(RemoteStatus::Watching), Some(false));
        let merged = check(None, Some(&base), Some(&kept));
        assert_eq!(merged.push.expect("sent").status, Some(None), "removed here, removed there");
    }

    #[test]
    fn both_changed_the_later_wins_and_an_unknown_remote_time_loses() {
        let base = agreed(Some(RemoteStatus::Planned), Some(false));
        let mine = local(Some(ListStatus::Dropped), false, None);
        let mut theirs = remote(Some(RemoteStatus::Completed), Some(false));
        let merged = check(Some(&mine), Some(&base), Some(&theirs));
        assert_eq!(merged.push.expect("sent").status, Some(Some(RemoteStatus::Dropped)));
        theirs.updated_at = Some(3_000);
        let merged = check(Some(&mine), Some(&base), Some(&theirs));
        assert_eq!(merged.local.expect("taken").status, Some(Some(ListStatus::Completed)));
        theirs.updated_at = Some(1_000);
        let merged = check(Some(&mine), Some(&base), Some(&theirs));
        assert!(merged.push.is_some(), "the local change is later");
    }

    #[test]
    fn rewatching_there_is_watching_here() {
        let mine = local(Some(ListStatus::Watching), false, None);
        let theirs = remote(Some(RemoteStatus::Rewatching), Some(false));
        let merged = check(Some(&mine), None, Some(&theirs));
        assert_eq!((merged.local, merged.push), (None, None));
        assert_eq!(merged.agreed.status, Some(RemoteStatus::Rewatching), "kept as such");
    }

    #[test]
    fn a_tracker_without_favorites_or_counts_is_sent_none_and_takes_none() {
        let mine = local(None, true, None);
        let none = Capabilities { favorites: false, progress: false };
        let merged = merge(TITLE, "9000", Some(&mine), None, None, none);
        assert_eq!(merged.push, None);
        let mut watched = local(None, false, None);
        watched.progress = Some(4);
        let merged = merge(TITLE, "9000", Some(&watched), None, None, none);
        assert_eq!(merged.push, None, "a count is not sent where nothing counts");
        let theirs = remote(Some(RemoteStatus::Planned), None);
        let merged = check(Some(&mine), None, Some(&theirs));
        assert_eq!(merged.push.and_then(|push| push.favorite), None);
    }

    #[test]
    fn an_empty_score_never_overwrites_a_set_one() {
        let mut base = agreed(None, Some(false));
        base.score = Some(8);
        let mine = local(None, false, Some(8));
        let merged = check(Some(&mine), Some(&base), Some(&remote(None, Some(false))));
        assert_eq!((merged.local, merged.push), (None, None), "cleared there: kept here");
        let cleared_here = local(None, false, None);
        let mut theirs = remote(None, Some(false));
        theirs.score = Some(8);
        let merged = check(Some(&cleared_here), Some(&base), Some(&theirs));
        assert_eq!((merged.local, merged.push), (None, None), "cleared here: kept there");
        theirs.score = Some(6);
        let merged = check(Some(&cleared_here), Some(&base), Some(&theirs));
        assert_eq!(merged.local.expect("taken").score, Some(6), "a new score there is taken");
    }

    #[test]
    fn episodes_watched_never_go_down() {
        let mut mine = local(Some(ListStatus::Watching), false, None);
        mine.progress = Some(5);
        let mut theirs = remote(Some(RemoteStatus::Watching), Some(false));
        theirs.progress = Some(8);
        let merged = check(Some(&mine), None, Some(&theirs));
        assert_eq!(merged.local.expect("taken").watched_through, Some(8));
        assert_eq!(merged.push, None);
        theirs.progress = Some(3);
        let merged = check(Some(&mine), None, Some(&theirs));
        assert_eq!(merged.push.expect("sent").progress, Some(5));
        assert_eq!(merged.local, None, "a lower count there unmarks nothing here");
    }

    #[test]
    fn a_server_that_clamps_is_believed_and_not_argued_with() {
        let mut mine = local(Some(ListStatus::Watching), false, None);
        mine.progress = Some(13);
        let merged = check(Some(&mine), None, None);
        let push = merged.push.clone().expect("sent");
        let mut answer = remote(Some(RemoteStatus::Completed), None);
        answer.progress = Some(12);
        let view = server_view(&merged.agreed_after_push, &push, &answer);
        let settled = check(Some(&mine), Some(&merged.agreed_after_push), Some(&view));
        assert_eq!(settled.push, None, "nothing is argued back");
        assert_eq!(settled.local.expect("taken").status, Some(Some(ListStatus::Completed)));
        assert_eq!(settled.agreed.status, Some(RemoteStatus::Completed));
        assert_eq!(settled.agreed.progress, Some(13), "the count here never goes down");
    }
}
