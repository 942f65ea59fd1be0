import BuildProvenance
import Line
import PipelineCore

StageMain.run(LineStage.self, codeTable: codeTable)
