package webpage

import "testing"

func TestMarkdownTables(t *testing.T) {
	checkMarkdown(t, []mdCase{
		// Tables.
		{"table", "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2|3</td></tr></table>", "| a | b |\n| --- | --- |\n| 1 | 2\\|3 |"},
		{"table thead tbody ragged", "<table><thead><tr><th>a</th><th>b</th><th>c</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>", "| a | b | c |\n| --- | --- | --- |\n| 1 |  |  |"},
		{"table colspan", `<table><tr><td colspan="2">wide</td><td>x</td></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>`, "| wide |  | x |\n| --- | --- | --- |\n| 1 | 2 | 3 |"},
		{"table cell blocks", "<table><tr><td><p>a</p><p>b</p></td><td>c<br>d</td></tr><tr><td>1</td><td>2</td></tr></table>", "| a b | c d |\n| --- | --- |\n| 1 | 2 |"},
		{"table caption", "<table><caption>Cap</caption><tr><td>a</td><td>b</td></tr><tr><td>1</td><td>2</td></tr></table>", "Cap\n\n| a | b |\n| --- | --- |\n| 1 | 2 |"},
		{"table links", `<table><tr><td><a href="/a">A</a></td><td>b</td></tr><tr><td>1</td><td>2</td></tr></table>`, "| [A][1] | b |\n| --- | --- |\n| 1 | 2 |"},
		{"layout table one column", "<table><tr><td>a</td></tr><tr><td>b</td></tr></table>", "a\n\nb"},
		{"layout table presentation", `<table role="presentation"><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>`, "a\nb\n\nc\nd"},
		{"layout table nested", "<table><tr><td><table><tr><td>x</td><td>y</td></tr><tr><td>1</td><td>2</td></tr></table></td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>", "| x | y |\n| --- | --- |\n| 1 | 2 |\n\nb\n\nc\nd"},
	})
}
