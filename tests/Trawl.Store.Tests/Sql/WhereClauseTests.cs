using Trawl.Store.Sql;

namespace Trawl.Store.Tests.Sql;

public sealed class WhereClauseTests
{
    [Theory]
    [InlineData("author_id = 4")]
    [InlineData("caption like '%piano;%' and (a > 1 or b < 2)")]
    [InlineData("name = 'it''s -- not a comment'")]
    [InlineData("\"odd;col\" = 1")]
    public void Conditions_that_stay_one_expression_pass(string condition) => WhereClause.Check(condition);

    [Theory]
    [InlineData("1; drop table x", "';'")]
    [InlineData("1 -- rest", "comments")]
    [InlineData("1 /* x */", "comments")]
    [InlineData("1) or (1", "')' without '('")]
    [InlineData("(1", "not closed")]
    [InlineData("name = 'open", "unclosed")]
    [InlineData("  ", "empty")]
    public void Conditions_that_could_break_out_are_user_errors(string condition, string message)
    {
        var e = Assert.Throws<UserErrorException>(() => WhereClause.Check(condition));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("_where", e.Message);
    }
}
