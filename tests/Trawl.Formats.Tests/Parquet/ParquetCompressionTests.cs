using System.IO.Compression;
using System.Text;
using Trawl.Formats.Parquet;
using Trawl.Formats.Parquet.Compression;
using Trawl.Formats.Parquet.Metadata;

namespace Trawl.Formats.Tests.Parquet;

public sealed class ParquetCompressionTests
{
    // Compressed with the zstd and lz4 command-line tools from Text(3000) / its first 3000 bytes.
    private const string Zstd1 =
        "KLUv/WCGNkVqANaQJxOwpdAGTSZm2a9GJLK3jWGOZKoCIwAhACAAiIJnJ2ugYMw7JVKoLsEkFbM4LQKyQ7IjYloAYha0mOUdQQc99Ds1W4fq2ZurBJPZHEzz" +
        "jnlU3stehSYGBubsQFcyYCDol0gT2fGa0E0qqhfdd94pkTlUP1Mle2aqo9GD6uiKDBWaGBiIudN73ry/s8FbD/E4dnM3xnR0jqH6XeQ1b0SOhwuow66KQbI/" +
        "Y5MQQHDgoOEpmVik9hMAQYjOardQi81MkqQ9A6jk6UW9tzqYXVeyXn5TpPHpbUEzS2yIPTGRTIhkL0yq3rT3FyGaxY1DfJjEeMPEygvCOaf5mNsPNSW1+oED" +
        "5As+YA9OZutiPnylTl2I9meCirnbll9YwCI/f0VYJkxnYl+IjBWUSkgTF+k88oFj4bCYfiMvgTBS7KetkfxrwCwGVbYZPggtMRp8cWJDt5n9a2m5Zmncp0Z9" +
        "UBK3Iw22EOJRjVWx0lUc7mZ3DmdvzFzIxt7thhtJarfOzt8okwCn8vFZyYJIZhE2EhhE1W1rVCAYAN2yLHjgTjPDyqwb+mtlMh/9zQxYtryafs4wqL6griBO" +
        "22ucYic0diMZn5WZtZZvSDWENiuX/uIoRzckjvt0qmFSXU2epukQJXFd1hmLD93gheaZPtaXkLj2um0MuF+Lg3r/mGJyWr4Yl8DrnEGnkDFcyjytX0Yn1ztv" +
        "ROVYYGFuTCA2jp2BqUgJowACGTcAZwoq8Z3FK19Fuzb1+uD4IbaHecmJvARJOkj/TIYYN+ewe0IUGTLZaudflAcoJJwWAEGkSYLRVN2AreLvYkxrc/bdw9Yx" +
        "T3NtpJ0EBo0LFII3KOKV8vxE+tE6o2gIgzCmrTZu4zt+N+pew+L9NlXy87n7SH7CYDpGhp4drxgg1RgckWj3s4BAJgXrkb6RxzRIVcLxsxgjz2XViqByXaHd" +
        "Q+/Mk/e9dLPGhYQrqMtukp6NRJa4i9N4jzDDa/Mwz6hhLO70jHFdbhcg5d1BNEgZGpI66DBEf8YetxSNFjmSWOWtBzIbAQYskKxKAfTEEzi0oQLagst5AMJ3" +
        "If//3yF762QpTK2xOtpevR9QZRYsfJXDzSsLrvvOlYbWYVShfecHc+f0g5TZU3Z7fqASOrG+vQNW6pJ4Et+d/btyd4QTfe+lCN+pPRyjddhaZDELeKU8hXH+" +
        "NImG6AwN3kQrFo8p+HwrYveFOPw7qYW+lq8A0barUMeT6o/Kr7ixHBoUiEd84LwVmuNHPrcA/28tbhhG5GdkXvsM38sX36GYqGszG0JSaphGm/sn+9PpkerP" +
        "PZ/V+CgJ6T3+p5+tZ4AJWDx5Ox/kKBPI3/g4L3mmMGLQakI6/08H2qTbN/Bo85pWZcDUednCB+2D0CWPTakX/DU93uABpTVU2n2Y0mKJlRvqRQaq2RhlNBv7" +
        "9FIQtGlOW/c0CrcWRYX9JvYozcw6M8ymZZPpyyfqlcdHGpf4TTpSKDdQPejWf0cHoo1H5ZTSOtzx9uBMJLvF6SyKqaisrixBJafVH/ozmTgZJkNAd0BSjRdK" +
        "7zJpZM1OHTiJrVx6YWckTWgJ6BQ+DYxrpTPhm1eJMXaz6vDVmSAo71NAfkZuwd4J006N8iR6B1Sglq2IW93isjdreAh1yOxT1mUBJFmYBh6ovnxVIaChqaYR" +
        "RPRzEU/SAAdn5wQPFmjGAmEJfmgrfcAPRdoJUDngz5ZFTRtvuriQBp3DuaW7RdYBSvxVjhoYA3i6k0f2UUynPdb7Y7+DlaNHTFUZ7SWMFmljGDfY9e9SrHUh" +
        "CUqkL2aSq60OEFbA1QYthEvRS5CCB5CcHaL+pnHAJUQdpIVQx3MAeNP3NwjLRyNiHU0vPHQi5VS9g1cxUwhKnBGZRl/4zGh5497gjbsesTsLbejyDs+CJ6Xp" +
        "MobHRkSNoA0xtngiPGZSdTMJV0YAWw0ah0vLjYYIAv66VNi5qPCVuQJXsVh2MG7XVg3U5Iy5CdQxsYtiQiqjYpDcF2n+UvAre5Vnm9TU+mEF4BGDCzEG0kT/" +
        "x5XirzdsSNLQrnBqH+zQUOQrXdHojyhpxenHCS9HCZ8KxRPwfOhFyBImq6BaFdZpXoHeK3vkoJg709KvY8F8MmPDseF9ZDhPTEFVd2OGeXSWBgZLrJgMlSN5" +
        "5lPrfiDwiJOfZ46j1+7LptrDh0mq58IGf+9ydZZqYSSgVcKj/+ycqLziI9SMZvv7MrBzFUcPO4LTHvxQAwCtFCsPae4UhFoOCjpL4GLcfiGPLlBmCwVCf68x" +
        "KIhJSoj6CO4wy3BVDlKGyVEYHV8GmzccIrw+MGEkcNz1h8NGyXerLfGTF3UFeDSgVUKbjTfHteRrwVVOwCISQVZCxXYGrk5/2Vn51wHmW0i6aoGve4gwTyKC" +
        "7k8gg/DLfVMiVfxEskLIqWFQREp9sxZp6bHRk41iTgwOJTrNyJQVP6/4amJ8ytwDFDOeOw0UhBKYt8rsgFJnlpVJ6pjrd5C3pRRlOe2qawTUdTxdx4+mkB8I" +
        "P3pC6uZMOXcWphz94B5atw3zkkUU6F4hTrzmMTTeIQIS+ONUPbeAyzgCM8stzhuCNcQ+rsgf5wk5ZgMkAin1lsZDEflI8zdK8tIkCkW9VB2EkUk9M9sFTmfW" +
        "nbPjK6NshLnG8p9PNIcW/khn7x+v/GCLKi/R2eS++0/Ur2NXxQ2G2uyAonoJ71DeEyxS5NiO6QdQvETcSowyq5ONqMpRbxqAzmDi6MARMvx5nPOCbVf6B714" +
        "nxz1IVedCRhEEwqubRTh4XuccaRFffFEsF55bkyxpJh/3XoD5ZIX3siNAbmRuY/8xGGB/59Y0vlGBIUNoxdUBMoA0doTkRzMEpYX1gtkEWKKoLjk7BCeFzCX" +
        "NfNPV0G2SOlicz1OxGAdiRhfvrWOu0STH4eTNMNWG39bpyrQcv6GnDfZl+ROxpFY9lDXK14cuogCrzoTnAJKO1DuZdHjTIpeBBsH6PNi8uetLBfMCD9s0hU+" +
        "o/JGKJylH+r8W7T8kaXFvk7KqiDF6sT8arjN0QFro6eUEJc3glgHCIYTVP4QXxCLbOzcpRmUJOAs39EN0hi1nBBTR+elqpeqPYjaAA4OnCabhNIMrYvhgzh5" +
        "oAPrPWQr2pjDkINZNk7hRHcZe4haLiOh7tSeDmD548re2hPqpEyyd+sqzxtO8OyF7BvqfFif1I54p+0FIkFLauIYDawVFFASZA4Uw+GSopU/9T6JiV3s2T4i" +
        "nuO1DZz0EmZU7MYYSgO6Su8dwm5H3w9wFuEJCY/K4O3Dujv4DXcOwhcnrRj10WyoKTHIliGL0Jq6cVRF4KQLY5xdS33gnPJrrZ0Hy+TK1uCNJWQ20dd6v5Cg" +
        "jzPFiqm3/4SKpJP8Fgk+wlPmavoJxPrfY9yUX8vL6F/Xrg9rp6z4ooGKNJgv/ivaHNSUV+YkCV7LkJNwkeg5U8Mk2XPH7IqNP18hW2YkMCpiYI5GU1X5XD5Y" +
        "kIOn+GTE0aCFZfRz5ANxC+fpGd6s/SXsPg5EHBTtJJwJRig+JI/JFeiZWJkU3a7agCNjLxiphCxNvRxSvQAsEgZD3KqIk5JuheZv/j2SlK6/0PkC2wlAo9ko" +
        "/gilOSuAEif8AVFCayen862gxwdZvAjmpHuIVAgzOKTtCIrVv610gqU18IPh78WrYoEBpTlEvaMHjS3QYbL19cYbWqlqG3Nip6amznamkc/QySH84yjxkRhy" +
        "inH5EfU46XDI7Y1NBjcIh9bpwYk8iMrD5z/3UrjTIjplc9hJLIkhG8RHDCmXL/Xw6idP5CcQvZTREaIQRg+KGimJqZIDZ8NjSufXYzw8+Hf3WM4O4uPZwkIR" +
        "YQiIS+yPcfgpcdbXXHf5EuGmyxvjKQok2I2grKLKeMDEPK5NhiX2WGb/h7jxe2noEwBlKVJj9oFm/LJTTN7RKjqYMtIoN0IUuRNN2ZFBHD620tubMcOPvrso" +
        "K2zjnFE4M6knKNxwh25GdNs8DITnUk+5AK0Bfw12SGMIgbfchKLk+OhZfojF5INU3ZBwPe5DplwXdtA7R5FMbqEhanyTnfl318Ayvqi+/gs+jCLRyZwgdBKq" +
        "omcAY4eLhUNC1PNCiWuJVEgAsHraC4Nf5rAqyUNSkU/z1rgwQXQaB0kFZVWGLeXeG6N0wkMVN+wTd7/6aVSQDXOLe6tXmYtEohOWc5lEJ0W+bY7RGTeh08ou" +
        "SaN+LOPsjDfYIhn9NkCfeema0iViVOr1VPVDcuVzV08sgzyDQ53fyCwJg63uyqxJkbrZnGmmnyRKB5rYXPk/i/yoad4E14Z60KRAXTxgcOSrReG/ApVdssNf" +
        "+njQc0OIV3zW4GRrg1hjvybU0pIJQtd/4vY/KzDoArPsWMGtjJNS9ohS/Qybc7vNtKKEC1PgCMcHAuzMBm50hiqNYihbV6CX6UHhBgFTm1vU2HJ1YoRJubuh" +
        "dEc4DNUKvea6AgZ9hGIGvQHxF+wljPkpoc5jxMroiZzCZwkyNhLYYlW4uwON4gb0hVuxlaAZ7fZULxKNw+NuXPRCOZSbLoDpLnamWxjzdgU=";

    private const string Zstd19 =
        "KLUv/WSGNu1OAEKMGhCwuRiURVq0ldaUYpIUkqkKiv95///Hz/jr+fsxP8T8x+0H5n/CPMPvUdQxD570Ico+cuSJZDj9/qOf7UeQF80auSfM9SNoEJXutyKh" +
        "SqefKGtBqJEMto203CxoT7aflVsAG2mYNtL0M8yE6aiz7riS/RkDMyAgUHAgAemkXqyWHxOAAEIAHcEnQJGgBFZSCUlBkgy7AeQhTul5Qq2wOJB1+p1Jc/dZ" +
        "/JlEZHm5LgycOGZdUs55aiUDCUocDKV5F3TxU4Ci3nQgUrLfIyiE3XKpYEc9BfGk1YiGmQT8c3DXGROOT630jLzb4rIGLCMGcLOhUD2gHpjPx+p+4cAsg3wV" +
        "9xeXGi2+0oBZcH+iz3r1nLiTk9zuFCsVhbLUbrRjhrrzlVkTpH5ih0G1ktPnMO1uUkuok6NLtlI+2pNCjr1JIrHvqivYW3sU7B6x70aMDTFXfsoSLEpROxn+" +
        "sMGWuDQz6dSZ0U7pkLsoZJ+DosbtP4PXOjal9LV8yp8Y0U0to18M/xvh5A9VjjYoz6K7It9k2UQCZeVPrdMvc/36gefWTp+rTgPL/or3mJRp6fz+3sjgJAXA" +
        "1Pk5TSm6WHuEWQ9EIYAlSl4J+YotBX9A9MtnWSzrHCpqv3hFNBypv8UBSoFOIHAH1jnMjLH6SqPrpLlif0S4UociG03D//4+e/ZNuacQZZHGnjK0tQvshOUJ" +
        "WvTIZd1b/d3M43MDcbktLCvVc4nIjNSnU0VRKUt3oYaHknygr7YK9lAPdRPqWVVSk5CAT5B0bkjTdI5pdGLYFYJGmg/y4XS1hvv6asgCzIDisnL/p5JYWMpO" +
        "Y4rHLHO1Ovh0R6iYZi9q6VntXsissjSmj9xLozlFykuaNIxNmVknOIP2AMGZN7v71wap49P7u2GEoMhgIVfrU1nOrRF+MtjWRm5YiRKbwx9yA3AtrpN6CTlu" +
        "T3MYE4o1ZTr04jE/wspltoz4gHDtSnB1RLDqFvvinC35oBKavoIY3oEdU6Q9R17F7DSJBwt2G2epDw7ORcmw1EEzsSo92sfWv35Y/Jf8kJspkF8LgdhEZ6Hv" +
        "oa1ioIhmEK7HatNjPPJGxk5WTM+gDIVEn/QfaIKGFBIfkAjYWO1fF6zSatj6h5b3Vyo7bZvPSvhBgCG0+60SCBzC0scRzgClMStyON2/ivIII6HAI8nsprC+" +
        "0Ly9G3GmarlWwDT2OXisLfbVOW8ccStAJaowXxNREmFXccaWFjU6YURVzi9q4cui/M2nAwEQY+LNHZ02VJanoemf3FlUqrKbr0uD7XlKRqjN/bf9RESZdG7z" +
        "G0p2AC6gXBMj+ivEwXDqHHtkTq18+zLqTDpJlSTckUI6AZguRQ+J9LzN9TAb9scGrNGkrG5IHShthU1UqbjdHFf9hRiAGzUhQs/mPfT15F9nJAbvrnmG0pQs" +
        "lAlaHiav+pbH9u5XnepiUeapu/YNzhhoevx6JPhhiE8ho/+C/A4NJ/voWm5QQK0/EZrNI/mzQrsm3Ef+HNYdZLA96D3H4fkEn6mh5ct+Lc1OCAlZnkjDFgps" +
        "Odblze7tjXRuiz03M1ZwKC/LAT1K0HN4kcFkZ6sygV6frZ9X2UixS7lyzRehlIF9ccoGgyTdYBu0WOblqldSFiuYi2KnA45CWXTg64qk1DJP4p3a/LgTPBez" +
        "/hiAYszxn4OoP1sEWU89Ly3l4Z4NT3k/hKj7EaGau1nohfgIVcKb+Ddq0UUImUl2TDjma5fZWKH2XGMfDiN7ERhP6R6rbpQPkYC41SctZ1nLlGO4/spjFJ2j" +
        "8QyNkTZ2PNyxgNm3aZ+pj0MKDwj9jH6rzVB5lhTfglqVfpEZpIAxneXp+KxRmwM9yyOn1BFCrvrMGZ0/97Aa2wh8lfFNXDvC9fF32F6VDr3AjwR/HKcVW2+U" +
        "1xC6P5D4PfwEqcGxvhgTuJHgUk7nN+YpangYNUhgaGGTwz9AHCJ01IT8rw+2hkixpdPAui5saLbzlaKMRFJgfMHJSHv9fNr/2ybCV8CCs5WfXPWeMXvASPqw" +
        "cTVkmF8M0Tm1JP3zbf3iESMI6Uw3FSUpUi4jk2KuqkjqiaECdRkj23n7l8fFmiG/TuUyn0kBRzN2Y8bhB2lsbp+bvah47wzKX+eTYAqCoFfZMvlIh61g2F7k" +
        "3KJMVpQpydcXLqmrHTP4iIw3y9+5BINkMcNoGvkDX+csWi2M8ZAEm/rfF86OUohwnC0hOiBOSUaZZS8ftJAQZQ3SYy62V7vMFhUtDRpGCpcZirWs6E1Xcg7j" +
        "NY60vqqqVhmlUr4IsTAPmaLnySGTCAProMgu8j/hdkgUPsfglBw9GAkapmsRBLt7SymNjTnx0rC8jO6sDE9hsIAk1IzR1nr9j267bYtlHQQc1QRKfFonWtUZ" +
        "aJnA/txnSRfyEokl06lcSYozzxSA9dSN0NJUrcnrB1T6n4+5m4wG13W4WeG1df8v8CSYEWrb1DvhgluGjFCB/nhZUralHsKZ7wXVmAXsOh9kYh3DluVJjhYT" +
        "YDOSOWHS7viZNSyB7/UA4ggh/YRwT5Dj3A0mFV2S/qIxbt9ApjlyW6AAjBOeXOuxee0xwKYgN3+wPCG6UpQADLX93CEPBzBHnaDwflP3f2tVeiAyZOannOOl" +
        "+Wh8nsb/bl4HLG1EEIFE35Jh4uDOhGClZJawQvh1KGA3bLztguIHgZ3TPCfKQ24otUlX/tja53l4kw1iHRSr4Q9qyCj+cK9T+hLX6yUTLJXG08s8/pmoyZ4N" +
        "Ao0SKeEJB37RopRgEh0aQhBreSOllDj/vuMwJ5QuFN7//ym5rA2WzleqxKgED3yKQp5RiF++0RTTvQoVwSyU7/XVENK6xJF2doi+kdmeebLw0Oj4eufu0IaI" +
        "b3IynBum7AdPJ6B21t18a2x6DvFjgCPZp4VkrZc9Dx9iOSjYBQ9GNAvZa3G8f8OpOH0vca/cHuoUB/TaaIU7AIDdCEYoBGFNfFf92gDtu3bJmykcLD0NOvKQ" +
        "C4ex2gkoLIO32jKiCalai4UKauVMU17tVHqlQA2NOSZDoDPmgny2foeJP92f3KqqC+zY51my9L+4wQJFSHGlzxKxJkhs/sYTehFDCziKKs9iI1mTrShjycff" +
        "TXI+fUH82QnVjFIljKadqs3Gf3jYr2n+jnHIVzGHp8Qz7xKeWV/pdgYBEbYVXL+fJKgt6CrBa+oM7e+bX2j/yMTmFVrBDsz4a+meY8Ycg0GcQs3MBYe4KyEM" +
        "OcFdKj5Y8P2jlzMDbW/QQDPv+8a+mzHfTJBT3HMMV2GAVfYH8cWxxO+ZLi9CK6sT4rMoeh2dyq/GyMlgHrdJZeRXY0A0qil3mQhI0ZrRUabl1xolNB5i0foQ" +
        "zxjW6AixSV1sft0iKaArqcl2PQ==";

    private const string Lz4Frame =
        "BCJNGGRApwsGAADAb24gY2FyIG9mIG9uBgDTYmVhY2ggY2F0IHNhdA4AUHBob3RvHQDRYSBkb2cgcmVkIHRoZTgAADwAACkAAiMAAgYAAD0AAjkAa3N1bnNl" +
        "dAcAAB8AAUwAAi4AAlQAAlAABSsAcHJ1bm5pbmd0AAOhAAAdABFhlAAhb25+AAB2AACKAAAIAAJuACFvZpMAA24AcHZpbnRhZ2XXAABdAAI8ACBtYYAAE3LY" +
        "AAAOAAI7AARwABBhLwAFBgEAOAAALgAQYYgAAAkAD1sAAwJDAACIAAClAAMkAARSAALlACFvZrsAAioAAEoABJ4AADIAAIcAAFgBBAgAAEoACj8AAkUABDQA" +
        "BAgAAk4AC3AABB0AAGUAAF0AAE0AAj8AAykAJW9mXQAECAAPEwAABEcABCMABAgACUsAALUAAIMBIW9mGAIAawACdwAFKgEENwAAKgAUYQgCACAAAQECA5IA" +
        "APgAAjwABjEAAyQAByIAAigCAEkABFUAADgAADQAABQAAAgABBgABAgAACAAAMMBAaMAAgYCAQ8AA1wCADMAACMAAtMAAA4ABPUAI29mFQAAlgAAPgAANwAC" +
        "bgEAKAMCzAETYUUCCDkAALYAADAABIIAAAwAADwAAk4AACoAAKwAABIAACoABG8ABAgAAG4AAJEAAAgAACwAAQwAAkIDADcAABMAJW9uLgAAHgAhb2YLAwEj" +
        "AwYAAQAMAABEAAJ2AAQwAACMAASYABFhxAMEGgAhb26dAgAhAAIzAACdAALvAABHAACvACFvbnAAAQsAAZMDIW9u8wEAKgAABAAAPAAAIQAABAADOgACuQAC" +
        "UQAARwAAIwABogMBtwAlb2bJAAPkAQNcAASVAAQIAAPuAwCdBAKEABVhOQADTgAFKgAItwMAbgAE7gAAPQEAXgAACAAELQAAqQAElgACsQAAEgAABAAAFgAA" +
        "CAAILgAAtQAABAAARgAACAAERgAAZgAC4gAFEgADXQICFgAEJAIAOAAEIgACbgAAEgAASgAAZgACEgAErgAECAACQgAAKAAHLAEADwACGQAETwAAfgEARQAE" +
        "NwAAEAAEHAAEFAACOwMEFgACQAAGRwEAxQAEKgACHAAEKgAECAADvgQAWwACIQAVYegAAHsABScAE243AwgJAAheAARmAAA1AABNAAAIAAL9ABFhyAIALAAA" +
        "ewEH8QAAEwAAKwADJQIDHgAABwAAFgACPQAClAAHhgAANQAABAAAYAAH3AQCLgAFzQAEnQIACgAAKgAECAAAOgAABAACVwAAZwAABAAAEgAAhQIAuQYEawAX" +
        "YQwAA6EAJW9uGwEGQAACCgAAtQACgwADCwMAdQAA0QEACAACIwARYWYDAG8AAhAAAIwCAA4AA10AAA8AAEYAA3AFAQADFXJwAAAeAASaAAMbAADTAACSAAnO" +
        "AAOEAAOpAgIYBwCSAACLAAdAAAS8AhFhVQcBsAUDjAMAaQALcwQE2gEARAACYAABJQAANgcCwgAACAAG6AAAJwAEYAAD6gACLwQBVwAAcQcAPwAANAAAmQAC" +
        "IgAFlgcAAgEDZAACNQAHhQEDtwgA5AECHAAnb26tAgJJAACHAABXAAJjAAK/CABUAATEAAHrAAJhAASkCABQAAP/AwZtAAEoAADKAAQ1AQAMAANuAQQTAABk" +
        "AAO9AQB3AAVZBgArAAB0AAAVAAQsAAJzAAKkAAD7AAe6AgAvAAP1AQC6AAQyAAeMAALfBgfDAAAzAAN6AAQWAAQIAAB5AACZAABLAAMjAABwAACMAAAXAAAU" +
        "AQAbAAWtAAH5AQMpAAQ8AASDAAMXAAOUAwA/AAQaAAXfBwA9AQKNAQLcAABoAASLAAQtAABwAACyAAQQAABJAAQkAAAYAARnAACtCgVSAQKaAgMbAAI+AQBI" +
        "AADAAAAEAARAAAMhAAATAAB7AAEbAwSMAABoAABgAACkAAe8AADmAAAlAArgAQZvAQYgAANOAAS4AALiAABSAAIKAASEAAB9AAAuBABwAAKqAAN1BwAZAAML" +
        "AAREAAFYAgU+AQBrAABQAAQeAIBzdW5zZXQgYwAAAACInjfF";

    /// <summary>3000 words picked by a fixed linear congruential generator (the compressed vectors above hold the same text).</summary>
    private static byte[] Text(int words)
    {
        string[] w = ["the", "cat", "sat", "on", "a", "mat", "photo", "of", "dog", "running", "beach", "sunset", "red", "car", "vintage"];
        long x = 12345;
        var sb = new StringBuilder();
        for (int i = 0; i < words; i++)
        {
            x = (x * 1103515245 + 12345) % (1L << 31);
            if (i > 0) sb.Append(' ');
            sb.Append(w[(x >> 16) % 15]);
        }
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    [Theory]
    [InlineData(Zstd1)]
    [InlineData(Zstd19)]
    public void Zstd_frames_from_the_reference_compressor_decode(string base64)
    {
        byte[] expected = Text(3000);
        byte[] dst = new byte[expected.Length];
        ZstdDecoder.Decompress(Convert.FromBase64String(base64), dst);
        Assert.Equal(expected, dst);
    }

    [Fact]
    public void Zstd_refuses_a_wrong_declared_size_and_corrupt_frames_without_crashing()
    {
        byte[] src = Convert.FromBase64String(Zstd19);
        Assert.Throws<ParquetException>(() => ZstdDecoder.Decompress(src, new byte[Text(3000).Length + 1]));
        Assert.Throws<ParquetException>(() => ZstdDecoder.Decompress(src.AsSpan(0, src.Length / 2), new byte[Text(3000).Length]));
        var rnd = new Random(5);
        byte[] dst = new byte[Text(3000).Length];
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] bad = (byte[])src.Clone();
            bad[rnd.Next(bad.Length)] ^= (byte)(1 << rnd.Next(8));
            try
            {
                ZstdDecoder.Decompress(bad, dst);
            }
            catch (ParquetException)
            {
            }
        }
    }

    [Fact]
    public void Lz4_frame_format_decodes_through_the_legacy_lz4_codec()
    {
        byte[] expected = Text(3000)[..3000];
        byte[] dst = new byte[expected.Length];
        ParquetDecompressor.Decompress(ParquetCompression.Lz4, Convert.FromBase64String(Lz4Frame), dst);
        Assert.Equal(expected, dst);
    }

    [Fact]
    public void Lz4_raw_block_with_overlapping_match_decodes()
    {
        // Token 0x4F: 4 literals "abcd", match length 15 + 4 extra (255 + 3) + 4 = 277? Keep it small:
        // token 0x46 = 4 literals, match length 6 + 4 = 10, offset 4 (overlapping), then a final token with 1 literal.
        byte[] block = [0x46, (byte)'a', (byte)'b', (byte)'c', (byte)'d', 4, 0, 0x10, (byte)'!'];
        byte[] dst = new byte[4 + 10 + 1];
        Lz4Decoder.DecompressRaw(block, dst);
        Assert.Equal("abcdabcdabcdab!", Encoding.ASCII.GetString(dst));
        Assert.Throws<ParquetException>(() => Lz4Decoder.DecompressRaw([0x46, (byte)'a', (byte)'b', (byte)'c', (byte)'d', 9, 0, 0x10, (byte)'!'], new byte[15]));
    }

    [Fact]
    public void Snappy_decodes_what_the_reference_encoder_wrote()
    {
        foreach (byte[] input in new[] { Text(3000), new byte[100_000], Encoding.ASCII.GetBytes("abababababababababababababababababab"), Array.Empty<byte>() })
        {
            byte[] compressed = Snappier.Snappy.CompressToArray(input);
            byte[] dst = new byte[input.Length];
            SnappyDecoder.Decompress(compressed, dst);
            Assert.Equal(input, dst);
            Assert.Throws<ParquetException>(() => SnappyDecoder.Decompress(compressed, new byte[input.Length + 1]));
        }
    }

    [Fact]
    public void Snappy_decodes_every_element_kind_with_short_and_overlapping_offsets()
    {
        // A block built element by element beside its expected output, long enough that the
        // unchecked fast path runs for most elements and the checked path for the tail.
        var rng = new Random(7);
        var compressed = new List<byte>();
        var expected = new List<byte>();
        for (int e = 0; e < 4000; e++)
        {
            int kind = expected.Count == 0 ? 0 : rng.Next(4);
            if (kind == 0)
            {
                int len = rng.Next(3) == 0 ? rng.Next(17, 300) : rng.Next(1, 17);
                if (len <= 60)
                    compressed.Add((byte)((len - 1) << 2));
                else
                {
                    compressed.Add(61 << 2);
                    compressed.Add((byte)(len - 1));
                    compressed.Add((byte)((len - 1) >> 8));
                }
                for (int k = 0; k < len; k++)
                {
                    byte b = (byte)rng.Next(256);
                    compressed.Add(b);
                    expected.Add(b);
                }
                continue;
            }
            int maxOffset = Math.Min(expected.Count, kind == 1 ? 2047 : 65535);
            int offset = rng.Next(2) == 0 ? rng.Next(1, Math.Min(maxOffset, 20) + 1) : rng.Next(1, maxOffset + 1);
            int length = kind == 1 ? rng.Next(4, 12) : rng.Next(1, 65);
            if (kind == 1)
            {
                compressed.Add((byte)(1 | ((length - 4) << 2) | ((offset >> 8) << 5)));
                compressed.Add((byte)offset);
            }
            else
            {
                compressed.Add((byte)(kind | ((length - 1) << 2)));
                compressed.Add((byte)offset);
                compressed.Add((byte)(offset >> 8));
                if (kind == 3)
                {
                    compressed.Add(0);
                    compressed.Add(0);
                }
            }
            for (int k = 0; k < length; k++)
                expected.Add(expected[expected.Count - offset]);
        }
        byte[] block = [.. Varint(expected.Count), .. compressed];
        byte[] dst = new byte[expected.Count];
        SnappyDecoder.Decompress(block, dst);
        Assert.Equal(expected.ToArray(), dst);

        // Every truncation is refused with a clear error, never an out-of-range crash.
        for (int cut = 1; cut < block.Length; cut += 97)
            Assert.Throws<ParquetException>(() => SnappyDecoder.Decompress(block.AsSpan(0, cut), new byte[expected.Count]));
    }

    [Fact]
    public void Snappy_with_damaged_bytes_either_refuses_the_block_or_fills_it_exactly()
    {
        // Text-like input so the fast loop sees literals, short copies and long ones; every damaged variant must
        // end in a ParquetException or a complete block, never an out-of-range read or write.
        var rng = new Random(11);
        string[] words = ["photo", "of", "the", "https://", ".example.com/images/", "a", "vintage", "red", "dress"];
        var text = new StringBuilder();
        while (text.Length < 20_000)
            text.Append(words[rng.Next(words.Length)]).Append(rng.Next(3) == 0 ? rng.Next(100000).ToString() : " ");
        byte[] input = Encoding.ASCII.GetBytes(text.ToString());
        byte[] compressed = Snappier.Snappy.CompressToArray(input);
        byte[] dst = new byte[input.Length];
        SnappyDecoder.Decompress(compressed, dst);
        Assert.Equal(input, dst);
        for (int trial = 0; trial < 400; trial++)
        {
            byte[] bad = (byte[])compressed.Clone();
            for (int k = 0; k < 1 + trial % 3; k++)
                bad[3 + rng.Next(bad.Length - 3)] ^= (byte)(1 << rng.Next(8));
            try
            {
                SnappyDecoder.Decompress(bad, dst);
            }
            catch (ParquetException)
            {
            }
        }
    }

    [Fact]
    public void Snappy_refuses_copies_before_the_start_of_a_long_block()
    {
        byte[] literal = [.. Enumerable.Repeat((byte)'x', 16)];
        foreach (byte[] copy in new byte[][] { [0x01 | (3 << 2), 17], [0x02 | (63 << 2), 17, 0], [0x03 | (63 << 2), 17, 0, 0, 0], [0x03 | (63 << 2), 1, 0, 0, 0x80], [0x02, 0, 0] })
        {
            var body = new List<byte> { (byte)(15 << 2) };
            body.AddRange(literal);
            body.AddRange(copy);
            for (int k = 0; k < 20; k++)
            {
                body.Add(15 << 2);
                body.AddRange(literal);
            }
            byte[] block = [.. Varint(2000), .. body];
            Assert.Throws<ParquetException>(() => SnappyDecoder.Decompress(block, new byte[2000]));
        }
    }

    private static byte[] Varint(int value)
    {
        var o = new List<byte>();
        for (uint v = (uint)value; ; v >>= 7)
        {
            if (v < 0x80)
            {
                o.Add((byte)v);
                return [.. o];
            }
            o.Add((byte)(v | 0x80));
        }
    }

    [Fact]
    public void Gzip_with_concatenated_members_and_brotli_decode()
    {
        byte[] a = Text(500), b = Text(700);
        byte[] gz = [.. Gzip(a), .. Gzip(b)];
        byte[] dst = new byte[a.Length + b.Length];
        ParquetDecompressor.Decompress(ParquetCompression.Gzip, gz, dst);
        Assert.Equal([.. a, .. b], dst);
        Assert.Throws<ParquetException>(() => ParquetDecompressor.Decompress(ParquetCompression.Gzip, gz, new byte[dst.Length - 1]));

        var ms = new MemoryStream();
        using (var br = new BrotliStream(ms, CompressionLevel.Optimal, leaveOpen: true))
            br.Write(a);
        byte[] out2 = new byte[a.Length];
        ParquetDecompressor.Decompress(ParquetCompression.Brotli, ms.ToArray(), out2);
        Assert.Equal(a, out2);
    }

    private static byte[] Gzip(byte[] data)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(data);
        return ms.ToArray();
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        byte[] data = Text(1000);
        Assert.Equal(TestParquetWriter.Crc32(data), Crc32.Compute(data));
    }
}
