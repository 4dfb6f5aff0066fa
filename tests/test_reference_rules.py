"""The pure-Python reference engine's rule sets (issue #15) on positions constructed by hand, with
the legal moves and effects worked out by hand from MetaOthello's rules as restated in
mothello_data/reference.py (classic, nomidflip: only the ends of a flanked run flip, delflank:
open start, adjacency legality, flanked runs removed), plus passes, game ends, move lists with
pass tokens, max_plies cuts and perft."""

import random

import pytest

from mothello_data.reference import BLACK, EMPTY, PASS, RULES, WHITE, ReferenceBoard, perft
from mothello_data.reference_games import random_game, replay, replay_plies


def sq(name: str) -> int:
    """Square number (8 * row + col) of a name like 'd3'."""
    return 8 * (int(name[1]) - 1) + "abcdefgh".index(name[0])


def sqs(names: str) -> list[int]:
    return sorted(sq(n) for n in names.split())


def board(rule, black="", white="", to_move=BLACK):
    """A position built by hand: the named squares hold black / white discs, the rest are empty."""
    b = ReferenceBoard(rule)
    b.cells = [EMPTY] * 64
    for n in black.split():
        b.cells[sq(n)] = BLACK
    for n in white.split():
        b.cells[sq(n)] = WHITE
    b.to_move = to_move
    return b


# ---- start positions and the unchanged classic API ------------------------------------------------


def test_square_names_use_the_package_numbering():
    assert [sq("a1"), sq("h1"), sq("a2"), sq("d3"), sq("h8")] == [0, 7, 8, 19, 63]


def test_classic_is_the_default_and_unchanged():
    default, classic = ReferenceBoard(), ReferenceBoard("classic")
    assert default.rule == "classic" and default.cells == classic.cells
    assert default.legal_moves() == sqs("d3 c4 f5 e6")
    assert default.flips(sq("d3")) == [sq("d4")]
    assert [perft(ReferenceBoard(), d) for d in range(1, 7)] == [4, 12, 56, 244, 1396, 8200]
    assert [perft(d, "classic") for d in range(1, 6)] == [4, 12, 56, 244, 1396]
    with pytest.raises(ValueError, match="unknown rule"):
        ReferenceBoard("othello")


@pytest.mark.parametrize("rule", ["classic", "nomidflip"])
def test_classic_start_for_classic_and_nomidflip(rule):
    b = ReferenceBoard(rule)
    assert [i for i, c in enumerate(b.cells) if c == WHITE] == sqs("d4 e5")
    assert [i for i, c in enumerate(b.cells) if c == BLACK] == sqs("e4 d5")
    assert b.to_move == BLACK and b.legal_moves() == sqs("d3 c4 f5 e6")


def test_delflank_open_start_and_its_legal_moves():
    b = ReferenceBoard("delflank")
    assert [i for i, c in enumerate(b.cells) if c == BLACK] == sqs("c3 f6")
    assert [i for i, c in enumerate(b.cells) if c == WHITE] == sqs("f3 c6")
    assert b.to_move == BLACK
    # every empty neighbour of c3 and of f6, centre squares d4 and e5 included
    assert b.legal_moves() == sqs("b2 c2 d2 b3 d3 b4 c4 d4  e5 f5 g5 e6 g6 e7 f7 g7")
    assert b.legal_moves(WHITE) == sqs("e2 f2 g2 e3 g3 e4 f4 g4  b5 c5 d5 b6 d6 b7 c7 d7")
    assert all(b.flips(m) == [] for m in b.legal_moves())  # nothing is flanked at the start
    # the two sides' neighbourhoods do not touch: 16 x 16 two-ply lines
    assert [perft(d, "delflank") for d in (1, 2)] == [16, 256]


# ---- effects: runs of 1, 2, 3, 4, 5 in several directions, edges and corners ----------------------

# black plays d4: east run e4 (1, ended by f4), north run d5 d6 (2, ended by d7), north-east run
# e5 f6 g7 (3, ended by h8), south-east run e3 f2 (2, ended by g1); west c4 b4 a4 runs off the
# board and south-west c3 ends on an empty b2: neither is flanked. d3 (own) is adjacent.
CENTRE = dict(black="f4 d7 h8 g1 d3", white="e4 d5 d6 e5 f6 g7 e3 f2 c4 b4 a4 c3")


def test_several_runs_at_once_per_rule():
    want = {
        "classic": sqs("e4 d5 d6 e5 f6 g7 e3 f2"),
        "nomidflip": sqs("e4 d5 d6 e5 g7 e3 f2"),  # f6, the middle of e5 f6 g7, stays white
        "delflank": sqs("e4 d5 d6 e5 f6 g7 e3 f2"),  # removed
    }
    for rule, changed in want.items():
        b = board(rule, **CENTRE)
        assert b.is_legal(sq("d4")), rule
        assert b.flips(sq("d4")) == changed, rule
        assert b.play(sq("d4")) == changed, rule
        assert b.to_move == WHITE and b.cells[sq("d4")] == BLACK
        for s in changed:
            assert b.cells[s] == (EMPTY if rule == "delflank" else BLACK), (rule, s)
        untouched = sqs("c4 b4 a4 c3") + ([sq("f6")] if rule == "nomidflip" else [])
        assert all(b.cells[s] == WHITE for s in untouched), rule


# black plays the corner a1: east run b1..f1 (5, ended by g1), north run a2..a6 (5, ended by a7);
# the diagonal b2 decides delflank legality (white: illegal there, black: legal)
CORNER = dict(black="g1 a7", white="b1 c1 d1 e1 f1 a2 a3 a4 a5 a6")


@pytest.mark.parametrize("b2", [WHITE, BLACK])
def test_runs_of_five_from_a_corner(b2):
    extra = {"white": CORNER["white"] + " b2"} if b2 == WHITE else {"black": CORNER["black"] + " b2"}
    pos = {**CORNER, **extra}
    assert board("classic", **pos).flips(sq("a1")) == sqs("b1 c1 d1 e1 f1 a2 a3 a4 a5 a6")
    assert board("nomidflip", **pos).flips(sq("a1")) == sqs("b1 f1 a2 a6")
    d = board("delflank", **pos)
    if b2 == WHITE:  # flanks ten discs but touches no black disc: illegal in delflank
        assert not d.is_legal(sq("a1")) and d.flips(sq("a1")) == []
        with pytest.raises(ValueError):
            d.play(sq("a1"))
    else:
        assert d.play(sq("a1")) == sqs("b1 c1 d1 e1 f1 a2 a3 a4 a5 a6")
        assert [i for i, c in enumerate(d.cells) if c != EMPTY] == sqs("a1 b2 g1 a7")


def test_white_mover_run_of_four_and_a_run_to_the_corner():
    # white plays h8: west g8 f8 e8 d8 (4, ended by white c8), south h7 (1, ended by h6),
    # south-west g7 .. a1 (black up to the corner): not flanked
    pos = dict(black="g8 f8 e8 d8 h7 g7 f6 e5 d4 c3 b2 a1", white="c8 h6", to_move=WHITE)
    assert board("classic", **pos).flips(sq("h8")) == sqs("g8 f8 e8 d8 h7")
    assert board("nomidflip", **pos).flips(sq("h8")) == sqs("g8 d8 h7")
    d = board("delflank", **pos)  # no white disc next to h8
    assert not d.is_legal(sq("h8"))


def test_nomidflip_line_game_keeps_middles():
    # row 1: a1 black, b1 c1 d1 white; black e1 flips only b1 and d1 (run of 3)
    b = board("nomidflip", black="a1", white="b1 c1 d1")
    assert b.legal_moves() == [sq("e1")]
    assert b.play(sq("e1")) == sqs("b1 d1")
    assert "".join(".BW"[c + 1] for c in b.cells[:8]) == "BBWBB..."
    # classic would have left white without discs; here c1 lets white play f1 (flanking e1 d1)
    assert b.legal_moves() == [sq("f1")]
    assert b.play(sq("f1")) == sqs("d1 e1")
    assert "".join(".BW"[c + 1] for c in b.cells[:8]) == "BBWWWW.."
    assert b.legal_moves() == [sq("g1")]  # run of 4 c1..f1 ended by b1: its ends flip
    assert b.play(sq("g1")) == sqs("c1 f1")
    assert "".join(".BW"[c + 1] for c in b.cells[:8]) == "BBBWWBB."
    # white h1: run g1 f1 (2, ended by e1) flips both
    assert b.legal_moves() == [sq("h1")]
    assert b.play(sq("h1")) == sqs("f1 g1")
    assert "".join(".BW"[c + 1] for c in b.cells[:8]) == "BBBWWWWW"
    assert b.game_over()  # no empty square flanks anything any more


def test_classic_line_game_ends_when_white_is_wiped_out():
    b = board("classic", black="a1", white="b1 c1 d1")
    assert b.play(sq("e1")) == sqs("b1 c1 d1")
    assert b.legal_moves(BLACK) == b.legal_moves(WHITE) == [] and b.game_over() and not b.must_pass()


# ---- delflank legality: adjacency, no flanking needed, replaying emptied squares --------------------


def test_delflank_legality_is_adjacency_not_flanking():
    pos = dict(black="d4", white="e4")
    assert board("classic", **pos).legal_moves() == [sq("f4")]  # flanks e4
    d = board("delflank", **pos)
    assert d.legal_moves() == sqs("c3 d3 e3 c4 c5 d5 e5")  # empty neighbours of d4
    assert not d.is_legal(sq("f4")) and not d.is_legal(sq("e4")) and not d.is_legal(sq("d4"))
    assert d.flips(sq("c5")) == [] and d.play(sq("c5")) == []  # legal, changes nothing
    assert d.legal_moves() == sqs("d3 e3 f3 f4 d5 e5 f5")  # white: empty neighbours of e4


def test_delflank_removal_empties_squares_that_are_played_again_and_a_side_without_discs_passes():
    b = board("delflank", black="c4 f5", white="d4 e4")
    assert b.play(sq("f4")) == sqs("d4 e4")  # f4 touches f5; the run d4 e4 ends on c4
    assert b.cells[sq("d4")] == b.cells[sq("e4")] == EMPTY
    assert b.legal_moves() == [] and b.must_pass() and not b.game_over()  # white has no disc
    b.pass_turn()
    assert sq("e4") in b.legal_moves() and sq("d4") in b.legal_moves()
    assert b.play(sq("e4")) == []
    # white never gets a disc back: black fills the board alone, white passing every turn
    rng, placed = random.Random(1), 0
    while not b.game_over():
        assert b.must_pass()
        b.pass_turn()
        b.play(rng.choice(b.legal_moves()))
        placed += 1
    assert b.cells == [BLACK] * 64 and placed == 64 - 4


def test_delflank_pass_and_game_over_on_a_nearly_full_board():
    # h8 is the only empty square and touches only white discs (g8 g7 h7): black must pass
    whites = "g8 g7 h7"
    blacks = " ".join(f"{c}{r}" for r in range(1, 9) for c in "abcdefgh" if f"{c}{r}" not in whites.split() + ["h8"])
    b = board("delflank", black=blacks, white=whites)
    assert b.legal_moves() == [] and b.legal_moves(WHITE) == [sq("h8")] and b.must_pass()
    with pytest.raises(ValueError):
        b.play(sq("a1"))
    b = board("delflank", black=blacks, white=whites)
    # white h8: west g8 white, south h7 white, south-west g7 white: nothing flanked
    assert b.play(sq("h8")) == [] and b.to_move == BLACK
    assert b.game_over() and not b.must_pass()
    with pytest.raises(ValueError, match="game is over"):
        b.pass_turn()


def test_classic_and_nomidflip_pass_when_only_the_other_side_can_move():
    for rule in ("classic", "nomidflip"):
        b = board(rule, black="a1", white="b1 c1", to_move=WHITE)  # white flanks nothing
        assert b.legal_moves() == [] and b.must_pass() and not b.game_over()
        with pytest.raises(ValueError, match="has a move"):
            board(rule, black="a1", white="b1 c1").pass_turn()
        b.pass_turn()
        assert b.to_move == BLACK and b.play(sq("d1")) == sqs("b1 c1") and b.game_over()
        implicit = board(rule, black="a1", white="b1 c1", to_move=WHITE)
        assert implicit.play(sq("d1")) == sqs("b1 c1")  # play() applies the forced pass first


# ---- move lists: pass tokens, replays, max_plies --------------------------------------------------


@pytest.mark.parametrize("rule", RULES)
def test_random_games_with_pass_tokens_replay_and_end(rule):
    rng, seen_pass = random.Random(7), 0
    for _ in range(100 if rule != "delflank" else 25):
        g = random_game(rng, rule, pass_token=True, max_plies=None if rule != "delflank" else 250)
        assert g.moves.count(PASS) == g.passes and (not g.moves or g.moves[-1] != PASS or not g.over)
        seen_pass += g.passes
        final = replay(g.moves, rule, pass_token=True)
        assert final.cells == g.board.cells and final.game_over() == g.over
        plies = list(replay_plies(g.moves, rule, pass_token=True))
        assert all((p.move == PASS) == (p.legal == []) for p in plies) and not any(p.passed for p in plies)
        # the same game without pass tokens: passes implicit, flagged on the following ply
        placements = [m for m in g.moves if m != PASS]
        plain = list(replay_plies(placements, rule))
        assert sum(p.passed for p in plain) == sum(1 for i, m in enumerate(g.moves[:-1]) if m == PASS)
        if rule != "delflank":
            assert g.over and len(placements) <= 60
    assert seen_pass > 0


def test_a_written_pass_is_checked():
    b = board("classic", black="a1", white="b1 c1", to_move=WHITE)
    assert b.must_pass()
    with pytest.raises(ValueError, match="without pass tokens"):
        list(replay_plies([PASS]))
    with pytest.raises(ValueError, match="has a move"):
        list(replay_plies([PASS], pass_token=True))
    with pytest.raises(ValueError, match="illegal move"):
        list(replay_plies([sq("a1")]))


def test_missing_pass_token_is_an_error():
    rng = random.Random(3)
    while True:  # a classic game with a pass
        g = random_game(rng, "classic", pass_token=True)
        if PASS in g.moves[:-1]:
            break
    i = g.moves.index(PASS)
    dropped = g.moves[:i] + g.moves[i + 1:]
    with pytest.raises(ValueError, match="must pass"):
        list(replay_plies(dropped, pass_token=True))
    assert replay(dropped).cells == replay(g.moves, pass_token=True).cells  # implicit passes


@pytest.mark.parametrize("rule", RULES)
def test_max_plies_cuts_a_game(rule):
    rng = random.Random(11)
    for pass_token in (False, True):
        g = random_game(rng, rule, pass_token=pass_token, max_plies=10)
        assert len(g.moves) == 10 and not g.over
        assert replay(g.moves, rule, pass_token).cells == g.board.cells
    delflank = [random_game(rng, "delflank", max_plies=60) for _ in range(20)]
    # delflank ends only on a full board: at least 60 placements, exactly 60 only without any removal
    assert all(len(g.moves) == 60 and (not g.over or EMPTY not in g.board.cells) for g in delflank)
    with pytest.raises(ValueError):
        random_game(rng, rule, max_plies=0)


# ---- perft per rule ---------------------------------------------------------------------------------


def test_perft_forms_agree_and_nomidflip_departs_from_classic_only_with_long_runs():
    for rule in RULES:
        assert perft(2, rule) == perft(2, rule=rule) == perft(ReferenceBoard(rule), 2)
    assert perft(0, "delflank") == 1 and perft(ReferenceBoard(), 0) == 1
    # the trees differ only once a run of 3 or more has been flanked (the count parts at depth 6)
    assert [perft(d, "nomidflip") for d in range(1, 6)] == [perft(d, "classic") for d in range(1, 6)]
    with pytest.raises(ValueError):
        perft(-1, "classic")


# ---- MetaOthello's iago token permutation (test data; the language side is the lead's) -------------


def metaothello_iago_permutation() -> list[int]:
    """Token of move i (squares 0..63, pass 64) = classic token of move (47 * i + 13) % 65."""
    return [(47 * i + 13) % 65 for i in range(65)]


def test_iago_permutation_is_a_permutation_of_the_65_moves():
    perm = metaothello_iago_permutation()
    assert sorted(perm) == list(range(65))
    assert perm[:3] == [13, 60, 42] and perm[64] == 31  # pass -> h4's classic token
    assert perm.index(64) == 8  # a2 takes the pass token
    assert [i for i in range(65) if perm[i] == i] == [52]  # e7 is the only fixed point
