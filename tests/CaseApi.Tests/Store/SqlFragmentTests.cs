using CaseApi.Store;

namespace CaseApi.Tests.Store;

public sealed class SqlFragmentTests
{
    [Fact]
    public void An_interpolated_value_becomes_a_parameter_and_never_text()
    {
        var hostile = "x'; DROP TABLE cases; --";

        var (text, parameters) = SqlFragment.Of($"c.slug = {hostile}").Render();

        Assert.Equal("c.slug = @p_1", text);
        Assert.Equal(hostile, Assert.Single(parameters).Value);
    }

    [Fact]
    public void Joined_fragments_keep_their_own_values_in_order()
    {
        var sectors = new[] { "space" };
        var condition = SqlFragment.Of($"c.sectors && {sectors}") + SqlFragment.Of($" AND c.outcome = {"convicted"}");

        var (text, parameters) = SqlFragment.Of($"SELECT 1 WHERE ({condition}) AND {SqlFragment.Raw("c.id")} > {7}").Render();

        Assert.Equal("SELECT 1 WHERE (c.sectors && @p_1 AND c.outcome = @p_2) AND c.id > @p_3", text);
        Assert.Equal(["p_1", "p_2", "p_3"], parameters.Select(p => p.ParameterName));
        Assert.Equal([sectors, "convicted", 7], parameters.Select(p => p.Value));
    }

    [Fact]
    public void Each_render_makes_new_parameter_objects_for_a_new_command()
    {
        var fragment = SqlFragment.Of($"c.sentence_months > {12}");

        Assert.NotSame(fragment.Render().Parameters[0], fragment.Render().Parameters[0]);
    }

    [Fact]
    public void A_null_value_is_sent_as_database_null() =>
        Assert.Equal(DBNull.Value, Assert.Single(SqlFragment.Of($"x = {(string?)null}").Render().Parameters).Value);

    [Fact]
    public void Join_puts_the_separator_between_the_non_empty_fragments_only()
    {
        List<SqlFragment> columns = [SqlFragment.Raw("a"), SqlFragment.Empty, SqlFragment.Raw("b"), SqlFragment.Raw("c")];

        Assert.Equal("a, b, c", SqlFragment.Join(", ", columns).ToString());
    }
}
