using System.Text;
using Trawl.Formats.Text;

namespace Trawl.Formats.Tests.Text;

public sealed class WordCounterTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("   ", 0)]
    [InlineData("one", 1)]
    [InlineData("  two words  ", 2)]
    [InlineData("tabs\tand\nnew\r\nlines", 4)]
    [InlineData("naïve café 東京 x", 4)]
    public void Counts_runs_of_non_space_bytes(string text, long expected)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Assert.Equal(expected, WordCounter.Count(bytes));
        Assert.Equal(expected, WordCounter.CountScalar(bytes, previousIsWord: false));
    }

    [Fact]
    public void Vector_paths_agree_with_the_scalar_count_at_every_length_and_boundary()
    {
        var random = new Random(17);
        byte[] alphabet = "ab é\t\n\u0001 x"u8.ToArray();
        for (int length = 0; length < 300; length++)
        {
            for (int trial = 0; trial < 5; trial++)
            {
                byte[] bytes = new byte[length];
                for (int i = 0; i < length; i++)
                    bytes[i] = alphabet[random.Next(alphabet.Length)];
                long expected = WordCounter.CountScalar(bytes, previousIsWord: false);
                Assert.Equal(expected, WordCounter.Count(bytes));
                if (length >= 32)
                    Assert.Equal(expected, WordCounter.CountVector256(bytes));
                if (length >= 16)
                    Assert.Equal(expected, WordCounter.CountVector128(bytes));
            }
        }
    }

    [Fact]
    public void A_word_spanning_a_vector_block_boundary_is_counted_once()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(new string(' ', 30) + "word" + new string(' ', 30) + new string('y', 40));
        Assert.Equal(2, WordCounter.CountVector256(bytes));
        Assert.Equal(2, WordCounter.CountVector128(bytes));
    }
}
