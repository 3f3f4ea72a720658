from calc import median


def test_median_even_count_averages_the_middle_pair():
    assert median([4, 1, 3, 2]) == 2.5
    assert median([10, 20]) == 15
