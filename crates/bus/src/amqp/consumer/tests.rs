use super::by_size;

#[test]
fn small_messages_group_and_large_ones_stay_alone() {
    let sizes = vec![10, 10, 10, 100, 10, 60, 60, 10];
    let groups = by_size(sizes, 100, |n| *n);
    assert_eq!(
        groups,
        vec![vec![10, 10, 10], vec![100], vec![10, 60], vec![60, 10]]
    );
    assert_eq!(by_size(vec![500], 100, |n| *n), vec![vec![500]]);
    assert!(by_size(Vec::<usize>::new(), 100, |n| *n).is_empty());
    assert_eq!(
        by_size(vec![1, 2, 3], usize::MAX, |n| *n),
        vec![vec![1, 2, 3]]
    );
}
